import { toFloat32 } from '../dtypes/contiguous';
import { CancelledError } from '../errors';
import type { TensorEntry } from '../tensor';

/**
 * Elements per read: 256 KB of float32 stays in L2 between the kernels of one pass, and is
 * large enough that the per-read cost (a positional file read, an event-loop turn) vanishes.
 */
export const CHUNK_ELEMENTS = 65536;

export interface StreamHooks {
  readonly signal?: AbortSignal;
  /** Elements processed so far in this pass (cumulative), after each chunk. */
  onProgress?(elementsDone: number): void;
}

/**
 * Elements per read of a pass that runs every named format on each chunk (pass 2 in pass 1's read):
 * 1 MB of float32, a quarter of the reads (each a positional read, a stat of the file, a promise and
 * an event-loop turn); the chunk and every format's round trip of it still fit in L3.
 */
export const FORMAT_CHUNK_ELEMENTS = 1 << 18;

/** Chunk length: `elements` (CHUNK_ELEMENTS) rounded up to whole storage blocks (reads must start on a block). */
export function chunkLength(blockSize: number, elements = CHUNK_ELEMENTS): number {
  return Math.ceil(elements / blockSize) * blockSize;
}

/**
 * Reads the tensor once, in order, in bounded chunks as float32, and hands each chunk to
 * `consume` with the flat index of its first element. Yields to the event loop after every
 * chunk so cancellation can arrive, and throws CancelledError as soon as the signal fires.
 * `step` is the elements per read, a whole number of storage blocks.
 */
export async function streamTensor(
  entry: TensorEntry, hooks: StreamHooks, consume: (x: Float32Array, start: number) => void,
  step = chunkLength(entry.data.blockSize),
): Promise<void> {
  for (let start = 0; start < entry.numel; start += step) {
    throwIfAborted(hooks.signal);
    const count = Math.min(step, entry.numel - start);
    const x = toFloat32(await entry.data.read(start, count));
    throwIfAborted(hooks.signal);
    consume(x, start);
    hooks.onProgress?.(start + count);
    await yieldToEventLoop();
  }
  throwIfAborted(hooks.signal);
}

/**
 * streamTensor into two buffers of the caller (their length is the step, a whole number of storage
 * blocks), alternately: the next chunk's read is in flight while `consume` runs on this one, straight
 * into the other buffer where the storage allows it (TensorData.readFloat32Into: no intermediate array).
 * `consume` gets a view of the buffer. Never returns while a read into the buffers is still in flight.
 */
export async function streamInto(
  entry: TensorEntry, hooks: StreamHooks, buffers: readonly [Float32Array, Float32Array], consume: (x: Float32Array, start: number) => void,
): Promise<void> {
  const step = buffers[0].length;
  const data = entry.data;
  const fill = async (start: number, out: Float32Array): Promise<Float32Array> => {
    const view = out.subarray(0, Math.min(step, entry.numel - start));
    if (data.readFloat32Into) await data.readFloat32Into(start, view.length, view);
    else view.set(toFloat32(await data.read(start, view.length)));
    return view;
  };
  const issue = (start: number, out: Float32Array): Promise<Float32Array> => {
    const read = fill(start, out);
    // Awaited on the next turn or in `finally`; a failure meanwhile is not unhandled.
    read.catch(() => undefined);
    return read;
  };
  throwIfAborted(hooks.signal);
  let pending: Promise<Float32Array> | null = entry.numel > 0 ? issue(0, buffers[0]) : null;
  try {
    for (let start = 0, i = 0; start < entry.numel; start += step, i++) {
      throwIfAborted(hooks.signal);
      const x = await pending!;
      pending = null;
      throwIfAborted(hooks.signal);
      if (start + step < entry.numel) pending = issue(start + step, buffers[(i + 1) % 2]!);
      consume(x, start);
      hooks.onProgress?.(start + x.length);
      await yieldToEventLoop();
    }
    throwIfAborted(hooks.signal);
  } finally {
    // The buffers are the caller's again once this returns (kernel memory another analysis may lease).
    await pending?.catch(() => undefined);
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
