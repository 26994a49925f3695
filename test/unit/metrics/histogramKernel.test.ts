import * as assert from 'node:assert/strict';
import { HISTOGRAM_FLAGS, histogramChunk } from '../../../src/core/metrics/histogramKernel';

function hist(values: number[], lo: number, hi: number, bins: number, flags = 0): number[] {
  const counts = new Float64Array(bins);
  const x = Float32Array.from(values);
  histogramChunk(x, 0, x.length, lo, hi, counts, flags);
  return Array.from(counts);
}

describe('histogramChunk', () => {
  it('bins like torch.histc: left-closed bins, the top edge in the last bin', () => {
    assert.deepEqual(hist([0, 0.24, 0.25, 0.5, 0.99, 1], 0, 1, 4), [2, 1, 1, 2]);
  });

  it('drops values outside [lo, hi] and non-finite values unless clamping', () => {
    assert.deepEqual(hist([-1, 0.5, 2, NaN, Infinity], 0, 1, 2), [0, 1]);
    assert.deepEqual(hist([-1, 0.5, 2, NaN, Infinity], 0, 1, 2, HISTOGRAM_FLAGS.CLAMP), [1, 2]);
  });

  it('bins |x| with ABSOLUTE', () => {
    assert.deepEqual(hist([-0.9, -0.1, 0.1, 0.6], 0, 1, 2, HISTOGRAM_FLAGS.ABSOLUTE), [2, 2]);
  });

  it('puts everything in bin 0 when the range is empty (constant data)', () => {
    assert.deepEqual(hist([3, 3, 3], 3, 3, 4), [3, 0, 0, 0]);
  });

  it('computes the bin in float32 as torch does ((v - lo) * bins / (hi - lo))', () => {
    // 0.3 in float32 is 0.30000001192...; (0.3f * 10) / 1 = 3.0000002 in float32 -> bin 3.
    assert.deepEqual(hist([0.3], 0, 1, 10), [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  });
});
