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

/** Chunk length: CHUNK_ELEMENTS rounded up to whole storage blocks (reads must start on a block). */
export function chunkLength(blockSize: number): number {
  return Math.ceil(CHUNK_ELEMENTS / blockSize) * blockSize;
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

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
