import * as assert from 'node:assert/strict';
import { ErrorAccumulator } from '../../../src/core/metrics/errorAccumulator';
import { ERROR_BUCKETS, errorStatsChunk, newErrorAccumulator } from '../../../src/core/metrics/errorStatsKernel';

/** Pairs with non-finite originals and reconstructions among them, from a fixed seed. */
function pairs(n: number): { x: Float32Array; deq: Float32Array } {
  let s = 12345;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const x = new Float32Array(n);
  const deq = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = i % 997 === 3 ? NaN : next();
    deq[i] = i % 1009 === 5 ? Infinity : x[i]! + next() * 0.01;
  }
  return { x, deq };
}

describe('error sums without the error buckets (the Layers table alone)', () => {
  const { x, deq } = pairs(50_000);

  it('errorStatsChunk with no bucket array gives the same sums, bit for bit', () => {
    const withBuckets = newErrorAccumulator();
    const hist = new Float64Array(ERROR_BUCKETS);
    errorStatsChunk(x, deq, 7, x.length, withBuckets, hist);
    const sumsOnly = newErrorAccumulator();
    errorStatsChunk(x, deq, 7, x.length, sumsOnly, null);
    assert.deepEqual(sumsOnly, withBuckets);
    assert.ok(hist.some((c) => c > 0), 'the buckets were filled when asked');
  });

  it('an accumulator asked for the table only reports the same figures as one asked for percentiles too, without the percentiles', () => {
    const tableOnly = new ErrorAccumulator({ min: -0.5, max: 0.5, bins: 0, errorPercentiles: false });
    const full = new ErrorAccumulator({ min: -0.5, max: 0.5, bins: 0, errorPercentiles: true });
    for (let at = 0; at < x.length; at += 8192) {
      tableOnly.add(x, deq, at, Math.min(x.length, at + 8192));
      full.add(x, deq, at, Math.min(x.length, at + 8192));
    }
    const { errP50, errP95, errP99, ...shared } = full.metrics();
    assert.ok(errP50 !== undefined && errP95 !== undefined && errP99 !== undefined);
    assert.deepEqual(tableOnly.metrics(), shared);
  });
});
