import { toFloat32 } from '../../dtypes/contiguous';
import type { TensorEntry } from '../../tensor';
import { throwIfAborted } from '../chunkStream';
import type { PassProgress } from './passes';
import type { F32Region } from './wasmKernels';
import type { ElementRange } from '../../../shared/tensorPartTypes';

/** Two chunk buffers (in kernel memory, or plain arrays): the kernels run on one while the next chunk is read into the other. */
export type ChunkBuffers<B extends ChunkBuffer = F32Region> = readonly [B, B];

export interface ChunkBuffer {
  readonly view: Float32Array;
}

/**
 * One pass over elements [range.from, range.to) straight into kernel memory, in chunks of the
 * buffers' length (whole storage blocks): the read of the next chunk is in flight (on libuv's
 * threads) while `consume` runs on this one, and storage that allows it is read with no
 * intermediate copy (TensorData.readFloat32Into). `consume` gets the chunk's buffer, its length
 * and the flat index of its first element. Yields to the event loop after every chunk, so cancel
 * messages arrive; never returns while a read into the buffers is still in flight.
 */
export async function passInto<B extends ChunkBuffer>(
  entry: TensorEntry, range: ElementRange, buffers: ChunkBuffers<B>, progress: PassProgress,
  consume: (chunk: B, n: number, start: number) => void,
): Promise<void> {
  const fill = fillerOf(entry);
  await passWith(range, buffers, buffers[0].view.length, (start, count, buffer) => fill(start, count, buffer.view), progress, consume);
}

/**
 * passInto's loop for any buffers and reads: `fill` reads elements [start, start + count) into a
 * buffer of `step` elements; the next read is in flight while `consume` runs on this one.
 */
export async function passWith<B>(
  range: ElementRange, buffers: readonly [B, B], step: number,
  fill: (start: number, count: number, buffer: B) => Promise<void>, progress: PassProgress,
  consume: (chunk: B, n: number, start: number) => void,
): Promise<void> {
  const countAt = (start: number): number => Math.min(step, range.to - start);
  let pending: Promise<void> | null = range.from < range.to ? fill(range.from, countAt(range.from), buffers[0]) : null;
  try {
    for (let start = range.from, i = 0; start < range.to; start += step, i++) {
      throwIfAborted(progress.signal);
      await pending;
      pending = null;
      throwIfAborted(progress.signal);
      const next = start + step;
      if (next < range.to) pending = fill(next, countAt(next), buffers[(i + 1) % 2]!);
      const count = countAt(start);
      consume(buffers[i % 2]!, count, start);
      progress.within(start + count - range.from);
      await yieldToEventLoop();
    }
    throwIfAborted(progress.signal);
  } finally {
    // The buffers belong to the caller's lease once this returns: let a read still writing into them finish.
    await pending?.catch(() => undefined);
  }
  progress.passDone();
}

type Filler = (start: number, count: number, out: Float32Array) => Promise<void>;

function fillerOf(entry: TensorEntry): Filler {
  const data = entry.data;
  if (data.readFloat32Into) return (start, count, out) => data.readFloat32Into!(start, count, out);
  return async (start, count, out) => out.set(toFloat32(await data.read(start, count)));
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
