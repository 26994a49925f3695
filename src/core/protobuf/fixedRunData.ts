import { contiguousData, decodePlain } from '../dtypes/contiguous';
import { PLAIN_DTYPES, type PlainDType } from '../../shared/vocab/dtypes';
import { FormatError } from '../errors';
import type { ByteSource } from '../io/byteSource';
import type { TensorData, Values } from '../tensor';
import type { RepeatedScalar } from './repeatedScalar';
import { WindowedSource } from './windowedSource';

/**
 * Lazy data for fixed-width little-endian elements held by a repeated field. One packed run
 * (what every writer produces) is a plain contiguous payload; several runs or unpacked
 * elements are stitched together at read time.
 */
export function fixedRunData(source: ByteSource, format: string, run: RepeatedScalar, dtype: PlainDType, numel: number): TensorData {
  const single = run.single;
  if (single || run.isEmpty) return contiguousData({ source, format, offset: single?.offset ?? 0, dtype, numel });
  const width = PLAIN_DTYPES[dtype].bytes;
  // firstElement[i] = index of the first element of span i; the last entry is numel.
  const firstElement = [0];
  for (let i = 0; i < run.spanCount; i++) firstElement.push(firstElement[i]! + run.spanLength(i) / width);
  return {
    blockSize: 1,
    async read(start, count): Promise<Values> {
      if (start < 0 || count < 0 || start + count > numel) {
        throw new FormatError(format, `element range ${start}+${count} outside tensor of ${numel}`);
      }
      const window = new WindowedSource(source, format);
      const out = new Uint8Array(count * width);
      let span = spanHolding(firstElement, start);
      for (let done = 0; done < count; span++) {
        const from = start + done - firstElement[span]!;
        const take = Math.min(count - done, firstElement[span + 1]! - firstElement[span]! - from);
        out.set(await window.bytes(run.spanOffset(span) + from * width, take * width), done * width);
        done += take;
      }
      return decodePlain(out, dtype, count, true);
    },
  };
}

/** Index of the span holding element `element` (binary search over span starts). */
function spanHolding(firstElement: readonly number[], element: number): number {
  let lo = 0;
  let hi = firstElement.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (firstElement[mid]! <= element) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
