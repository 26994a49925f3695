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
 * `step` is the elements per read, a whole number of storage blocks. With `readAhead`, the next
 * chunk's read is issued before `consume` runs on this one (one read in flight at a time, as without).
 */
export async function streamTensor(
  entry: TensorEntry, hooks: StreamHooks, consume: (x: Float32Array, start: number) => void,
  step = chunkLength(entry.data.blockSize), readAhead = false,
): Promise<void> {
  const read = (start: number): ReturnType<TensorEntry['data']['read']> => entry.data.read(start, Math.min(step, entry.numel - start));
  let ahead: ReturnType<typeof read> | null = null;
  for (let start = 0; start < entry.numel; start += step) {
    throwIfAborted(hooks.signal);
    const bytes = await (ahead ?? read(start));
    ahead = null;
    throwIfAborted(hooks.signal);
    if (readAhead && start + step < entry.numel) {
      ahead = read(start + step);
      // Awaited on the next turn; left unread when this one stops (cancelled or failed), so its failure is not unhandled.
      ahead.catch(() => undefined);
    }
    consume(toFloat32(bytes), start);
    hooks.onProgress?.(Math.min(entry.numel, start + step));
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
