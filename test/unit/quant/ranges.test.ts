import * as assert from 'node:assert/strict';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import type { CalibrationHistogram, CalibrationHistograms } from '../../../src/core/quant/ranges/calibrationHistogram';
import { addToCalibration, newCalibrationHistograms } from '../../../src/core/quant/ranges/calibrationHistogram';
import { chooseRange } from '../../../src/core/quant/ranges/chooseRange';
import { parseRangeMethod } from '../../../src/shared/vocab/rangeMethods';
import { modelOptEntropyAmax } from '../../../src/core/quant/ranges/entropyModelOpt';
import { ortEntropyRange } from '../../../src/core/quant/ranges/entropyOrt';
import { percentileRange } from '../../../src/core/quant/ranges/percentile';
import { torchHistogramRange } from '../../../src/core/quant/ranges/torchHistogram';
import type { IntResult, IntScheme } from '../../../src/shared/analysisTypes';
import { memoryTensor } from '../analysis/memoryTensor';

function hist(counts: number[], lo: number, hi: number): CalibrationHistogram {
  return { counts: Float64Array.from(counts), lo, hi };
}

function histograms(x: Float32Array): { h: CalibrationHistograms; min: number; max: number } {
  const min = x.reduce((m, v) => Math.min(m, v), Infinity);
  const max = x.reduce((m, v) => Math.max(m, v), -Infinity);
  const h = newCalibrationHistograms(min, max);
  addToCalibration(h, x, 0, x.length);
  return { h, min, max };
}

/** Uniform-ish data in [-1, 1] (a fixed lattice) with one outlier. */
function withOutlier(n: number, outlier: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.fround(((i * 7919) % 2001) / 1000 - 1);
  x[n >> 1] = outlier;
  return x;
}

describe('range methods', () => {
  it('parses the method names', () => {
    assert.deepEqual(parseRangeMethod('percentile:99.99'), { kind: 'percentile', percentile: 99.99 });
    assert.deepEqual(parseRangeMethod('entropy:onnxruntime'), { kind: 'entropy-onnxruntime' });
    for (const bad of ['percentile:0', 'percentile:100.5', 'percentile:', 'percentile:abc', 'kl', '']) assert.equal(parseRangeMethod(bad), null, bad);
  });

  it('minmax: [min, max] asymmetric, [-absmax, absmax] symmetric', () => {
    const input = { min: -0.5, max: 2, calibration: null };
    assert.deepEqual(chooseRange('minmax', input, 8, 'asymmetric'), { min: -0.5, max: 2 });
    assert.deepEqual(chooseRange('minmax', input, 8, 'symmetric'), { min: -2, max: 2 });
    assert.throws(() => chooseRange('mse', input, 8, 'symmetric'), /calibration histograms/);
  });

  it('percentile, symmetric: left edge of the |x| bin where the cdf reaches P (onnxruntime), clamped to the data', () => {
    const absolute = hist([10, 10, 10, 10, 10, 10, 10, 10, 10, 10], 0, 10);
    const h = { absolute } as unknown as CalibrationHistograms;
    assert.deepEqual(percentileRange(95, h, -10, 10, 'symmetric'), { min: -9, max: 9 });
    // numpy's cumsum of 0.1 nine times is 0.8999999999999999 < 0.9: the quantile lands one bin later, as in onnxruntime
    assert.deepEqual(percentileRange(90, h, -10, 10, 'symmetric'), { min: -9, max: 9 });
    assert.deepEqual(percentileRange(85, h, -10, 10, 'symmetric'), { min: -8, max: 8 });
    assert.deepEqual(percentileRange(95, h, -3, 10, 'symmetric'), { min: -3, max: 9 });
    assert.deepEqual(percentileRange(100, h, -10, 10, 'symmetric'), { min: -10, max: 10 }); // cdf ends at 0.9999999999999999 < 1: past the last bin
  });

  it('percentile, asymmetric: (100 - P) / 2 percent off each tail of x over [-max|x|, max|x|]', () => {
    const centered = hist([5, 5, 10, 30, 30, 10, 5, 5], -4, 4);
    const h = { centered } as unknown as CalibrationHistograms;
    // cut = 5 %: cdf = .05 .10 .20 .50 .80 .90 .95 1 -> left bin 0 (edge -4), right bin 6 (edge 2)
    assert.deepEqual(percentileRange(90, h, -4, 4, 'asymmetric'), { min: -4, max: 2 });
    // cut = 10 %: left bin 1 (edge -3), right bin 5 (edge 1)
    assert.deepEqual(percentileRange(80, h, -4, 4, 'asymmetric'), { min: -3, max: 1 });
  });

  // Expected bins from the numpy ports in scripts/crosscheck/torch_weights.py (ModelOpt) and of
  // onnxruntime's get_entropy_threshold, run on the same histograms.
  it('entropy (ModelOpt): pinned on a Gaussian-shaped |x| histogram (bin 494 at 8 bits, 361 at 4 bits)', () => {
    const gaussian = hist(Array.from({ length: 2048 }, (_, i) => Math.floor(1e5 * Math.exp(-((i / 150) ** 2)))), 0, 2048);
    assert.equal(modelOptEntropyAmax(gaussian, 8, false), 494);
    assert.equal(modelOptEntropyAmax(gaussian, 4, false), 361);
  });

  it('entropy (ModelOpt) keeps a lone outlier: bins left empty drop out of Q, so the full range costs nothing', () => {
    const outlier = hist(Array.from({ length: 2048 }, (_, i) => (i < 500 ? 50 : i === 2047 ? 1 : 0)), 0, 2048);
    assert.equal(modelOptEntropyAmax(outlier, 8, false), 2048);
  });

  it('entropy:onnxruntime with its defaults (128 bins, 128 quantized bins) is the full range, clamped to the data', () => {
    const { h } = histograms(withOutlier(10000, 5));
    assert.deepEqual(ortEntropyRange(h.centeredOrtEntropy, -1, 5), { min: -1, max: 5 });
  });

  it('entropy:onnxruntime with more bins searches: a Laplacian histogram of 512 bins is cut inside the flat KL stretch', () => {
    // KL is flat (to ~1e-7) for half-widths 128..191, where each quantized bin holds one source bin; ORT evaluates it in
    // float32 and picks 128, QuantLens in float64 (numpy port in float64: 173). Past 192 bins KL jumps 2.6x.
    const laplace = hist(Array.from({ length: 512 }, (_, i) => Math.floor(1000 * Math.exp(-Math.abs(i - 256) / 12))), -256, 256);
    const r = ortEntropyRange(laplace, -200, 256);
    assert.ok(r.max >= 129 && r.max < 193 && r.min === 1 - r.max, JSON.stringify(r));
  });

  it('torch histogram: same ranges as torch 1.13 HistogramObserver on lattice data with one outlier', () => {
    // torch: HistogramObserver()(x); _non_linear_param_search() -> (-1, 39.9800), (-1, 7.9956), (-1, 0.9990)
    for (const [outlier, max] of [[40, 39.98], [8, 7.9956], [0.5, 0.999]] as const) {
      const { h } = histograms(withOutlier(20000, outlier));
      const r = torchHistogramRange(h.signed, 8);
      assert.equal(r.min, -1);
      assert.ok(Math.abs(r.max - max) < 1e-4, `${outlier}: ${r.max}`);
    }
  });

  function int4(range: string, mode: IntScheme['mode'], convention: IntScheme['convention']): IntScheme {
    return { kind: 'int', bits: 4, mode, granularity: 'tensor', groupSize: null, axis: 0, range, convention };
  }

  for (const convention of ['lecture', 'torch', 'onnxruntime'] as const) {
    for (const mode of ['symmetric', 'asymmetric'] as const) {
      it(`mse (${convention}, ${mode}): never worse than minmax on data with an outlier, and clips it`, async () => {
        const x = withOutlier(20000, 8);
        const r = await analyzeTensor(memoryTensor(x, [20000]), { schemes: [int4('minmax', mode, convention), int4('mse', mode, convention)], histogramBins: 0 });
        const [minmax, mse] = r.results as IntResult[];
        assert.ok(mse!.mse < minmax!.mse, `${mse!.mse} vs ${minmax!.mse}`);
        assert.ok(mse!.clipMax! < 4, `clipMax ${mse!.clipMax}`);
        assert.ok(mse!.clippedPct > 0);
      });
    }
  }

  it('every range method runs end to end through analyzeTensor and reports its clipping range', async () => {
    const x = withOutlier(5000, 3);
    const methods = ['minmax', 'percentile:99.9', 'mse', 'entropy', 'entropy:onnxruntime', 'histogram'];
    const schemes: IntScheme[] = methods.flatMap((range) => (['symmetric', 'asymmetric'] as const).map((mode) => ({ ...int4(range, mode, 'torch'), bits: 8 })));
    const r = await analyzeTensor(memoryTensor(x, [50, 100]), { schemes, histogramBins: 16 });
    assert.equal(r.results.length, schemes.length);
    for (const res of r.results as IntResult[]) {
      assert.ok(res.clipMin! <= 0 && res.clipMax! > 0.5, `${res.range} ${res.mode}: [${res.clipMin}, ${res.clipMax}]`);
      assert.ok(Number.isFinite(res.mse));
    }
  });

  it('histogram-based ranges per group are reported as not applicable (per channel they run)', async () => {
    const r = await analyzeTensor(memoryTensor(new Float32Array(8), [2, 4]), {
      schemes: [{ ...int4('entropy', 'symmetric', 'lecture'), granularity: 'group', groupSize: 4 }, { ...int4('mse', 'symmetric', 'lecture'), granularity: 'channel' }], histogramBins: 0,
    });
    assert.equal(r.results.length, 1);
    assert.match(r.notApplicable![0]!.reason, /too many for a group's few values/);
  });
});
