import * as assert from 'node:assert/strict';
import { ERROR_BUCKETS, errorStatsChunk, newErrorAccumulator } from '../../../src/core/metrics/errorStatsKernel';
import { errorDisplayHistogram, errorPercentiles } from '../../../src/core/metrics/errorBuckets';
import { finishErrorMetrics } from '../../../src/core/metrics/errorMetrics';

function accumulate(x: number[], deq: number[]): { acc: Float64Array; hist: Float64Array } {
  const acc = newErrorAccumulator();
  const hist = new Float64Array(ERROR_BUCKETS);
  errorStatsChunk(Float32Array.from(x), Float32Array.from(deq), 0, x.length, acc, hist);
  return { acc, hist };
}

describe('error metrics (CLI.md formulas)', () => {
  it('x = [1, -2, 3, 0], deq = [1.5, -2, 2, 0]', () => {
    const { acc, hist } = accumulate([1, -2, 3, 0], [1.5, -2, 2, 0]);
    const m = finishErrorMetrics(acc, hist);
    assert.equal(m.mse, 1.25 / 4);
    assert.equal(m.rmse, Math.sqrt(1.25 / 4));
    assert.equal(m.maxAbsErr, 1);
    assert.ok(Math.abs(m.meanRelErrPct - ((0.5 / (1 + 1e-10) + 1 / (3 + 1e-10)) / 4) * 100) < 1e-12);
    assert.ok(Math.abs(m.sqnrDb! - 10 * Math.log10(14 / 1.25)) < 1e-12);
    assert.equal(m.cosine, 11.5 / Math.sqrt(14 * 10.25));
    assert.equal(m.errP50, 0); // two of four errors are exactly 0
    assert.equal(m.errP95, 1); // the bucket's upper edge 1 + 2^-7, capped at max |err|
  });

  it('percentiles are the upper edges of 2^-7-wide buckets (quantize-stats style)', () => {
    const { acc, hist } = accumulate([0.5, 0.5, 0.5, 1], [0, 0, 0, 0]);
    const m = finishErrorMetrics(acc, hist);
    assert.equal(m.errP50, 0.5 * (1 + 2 ** -7));
    assert.equal(m.errP99, 1);
  });

  it('exact reconstruction: zero error, sqnrDb null, cosine 1', () => {
    const { acc, hist } = accumulate([1, -2, 0], [1, -2, 0]);
    const m = finishErrorMetrics(acc, hist);
    assert.deepEqual([m.mse, m.maxAbsErr, m.meanRelErrPct, m.sqnrDb, m.cosine, m.errP99], [0, 0, 0, null, 1, 0]);
  });

  it('all-zero data reconstructed as zero: cosine 1, sqnr null', () => {
    const { acc, hist } = accumulate([0, 0], [0, 0]);
    assert.equal(finishErrorMetrics(acc, hist).cosine, 1);
  });

  it('skips non-finite originals and counts non-finite reconstructions apart', () => {
    const { acc, hist } = accumulate([NaN, Infinity, 1, 2], [0, 0, Infinity, 2.5]);
    const m = finishErrorMetrics(acc, hist);
    assert.equal(acc[0], 1);
    assert.equal(acc[7], 1);
    assert.equal(m.mse, 0.25);
  });

  it('no finite values: every figure 0, sqnr null (JSON never holds NaN)', () => {
    const { acc, hist } = accumulate([NaN], [NaN]);
    const m = finishErrorMetrics(acc, hist);
    assert.deepEqual(Object.values(m).filter((v) => v !== null && !Number.isFinite(v)), []);
    assert.equal(m.sqnrDb, null);
  });
});

describe('error buckets', () => {
  it('errorPercentiles walks |err| across both signs', () => {
    const { acc, hist } = accumulate([0.25, -0.25, 1, -1], [0, 0, 0, 0]);
    assert.deepEqual(errorPercentiles(hist, acc[5]!, [0.5, 1]), [0.25 * (1 + 2 ** -7), 1]);
  });

  it('errorDisplayHistogram spreads buckets over [-max, max] and keeps the total', () => {
    const { acc, hist } = accumulate([0.5, 0.5, 0.5, -1], [0, 0, 0, 0]);
    const h = errorDisplayHistogram(hist, acc[5]!, 4);
    assert.deepEqual(h, { min: -1, max: 1, counts: [1, 0, 0, 3] });
  });

  it('errorDisplayHistogram of exact reconstruction: one centre bar over [0, 0]', () => {
    const { hist } = accumulate([1, 2, 3], [1, 2, 3]);
    assert.deepEqual(errorDisplayHistogram(hist, 0, 4), { min: 0, max: 0, counts: [0, 0, 3, 0] });
  });
});
