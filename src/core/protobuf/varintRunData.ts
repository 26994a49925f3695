import { FormatError } from '../errors';
import type { ByteSource } from '../io/byteSource';
import type { TensorData, Values } from '../tensor';
import type { RepeatedScalar } from './repeatedScalar';
import { VARINT_OVERFLOW, VarintDecoder } from './varint';
import { WindowedSource, WINDOW_BYTES } from './windowedSource';

/** Turns decoded varints (as 32-bit halves) into the tensor's values. */
export interface VarintSink {
  /** `count` values to fill, with the setter that stores one decoded varint at an index. */
  create(count: number): { readonly values: Values; set(index: number, lo: number, hi: number): void };
}

/** Elements between remembered positions: varints cannot be indexed, so reads resume from the nearest one. */
const CHECKPOINT_EVERY = 4096;

/**
 * Lazy data for varint elements (int32_data, int64_data, uint64_data). Varints have no fixed
 * width, so positions of every CHECKPOINT_EVERY-th element are remembered as reads go:
 * chunked sequential reads stay linear and memory stays O(numel / CHECKPOINT_EVERY).
 */
export function varintRunData(source: ByteSource, format: string, run: RepeatedScalar, numel: number, sink: VarintSink): TensorData {
  // checkpoints[2k], checkpoints[2k+1] = span index and file offset of element k * CHECKPOINT_EVERY.
  const checkpoints: number[] = run.isEmpty ? [] : [0, run.spanOffset(0)];
  const decoder = new VarintDecoder();
  const fail = (message: string, offset?: number): never => {
    throw new FormatError(format, `${run.what}: ${message}`, offset);
  };

  return {
    blockSize: 1,
    async read(start, count): Promise<Values> {
      if (start < 0 || count < 0 || start + count > numel) fail(`element range ${start}+${count} outside tensor of ${numel}`);
      const out = sink.create(count);
      if (count === 0) return out.values;
      if (run.isEmpty) fail(`holds no values but the shape needs ${numel}`);
      const window = new WindowedSource(source, format);
      const stop = start + count;
      const k = Math.min(Math.floor(start / CHECKPOINT_EVERY), checkpoints.length / 2 - 1);
      let element = k * CHECKPOINT_EVERY;
      let span = checkpoints[2 * k]!;
      let pos = checkpoints[2 * k + 1]!;
      while (element < stop) {
        if (span >= run.spanCount) fail(`holds ${element} values but the shape needs ${numel}`);
        const spanEnd = run.spanOffset(span) + run.spanLength(span);
        if (pos >= spanEnd) {
          span++;
          if (span < run.spanCount) pos = run.spanOffset(span);
          continue;
        }
        const view = await window.peek(pos, Math.min(WINDOW_BYTES, spanEnd - pos));
        const viewIsSpanTail = pos + view.length === spanEnd;
        let i = 0;
        while (element < stop && i < view.length) {
          if (element % CHECKPOINT_EVERY === 0 && element / CHECKPOINT_EVERY === checkpoints.length / 2) {
            checkpoints.push(span, pos + i);
          }
          const next = decoder.decode(view, i, view.length);
          if (next === VARINT_OVERFLOW) fail('varint longer than 64 bits', pos + i);
          if (next < 0) {
            if (viewIsSpanTail) fail('a varint runs past the end of its packed run', pos + i);
            break;
          }
          if (element >= start) out.set(element - start, decoder.lo, decoder.hi);
          element++;
          i = next;
        }
        pos += i;
      }
      if (stop === numel) {
        const spanEnd = run.spanOffset(span) + run.spanLength(span);
        if (pos < spanEnd || span < run.spanCount - 1) fail(`holds more values than the shape's ${numel}`, pos);
      }
      return out.values;
    },
  };
}

/** Number of varints in the run, read through a window (for small runs, at open). */
export async function countVarints(source: ByteSource, format: string, run: RepeatedScalar): Promise<number> {
  const window = new WindowedSource(source, format);
  let count = 0;
  for (let s = 0; s < run.spanCount; s++) {
    const end = run.spanOffset(s) + run.spanLength(s);
    for (let pos = run.spanOffset(s); pos < end; ) {
      const view = await window.peek(pos, Math.min(WINDOW_BYTES, end - pos));
      for (let i = 0; i < view.length; i++) if (view[i]! < 0x80) count++;
      pos += view.length;
      if (pos === end && view[view.length - 1]! >= 0x80) {
        throw new FormatError(format, `${run.what}: a varint runs past the end of its packed run`, end);
      }
    }
  }
  return count;
}
