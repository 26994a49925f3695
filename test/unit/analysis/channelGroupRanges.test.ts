import * as assert from 'node:assert/strict';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { wasmStreamSupports } from '../../../src/core/analysis/engine/wasmStream';
import { affineRoundTripRun } from '../../../src/core/quant/affine/affineKernel';
import { computeQParams } from '../../../src/core/quant/affine/qparams';
import { addToCalibration, newCalibrationHistograms } from '../../../src/core/quant/ranges/calibrationHistogram';
import { CHANNEL_CALIBRATION_BINS, MAX_CALIBRATION_CHANNELS } from '../../../src/core/quant/ranges/channelCalibration';
import { chooseRange } from '../../../src/core/quant/ranges/chooseRange';
import type { IntMode, IntResult, IntScheme } from '../../../src/shared/analysisTypes';
import { memoryTensor } from './memoryTensor';

function scheme(range: string, mode: IntMode, granularity: IntScheme['granularity'], extra: Partial<IntScheme> = {}): IntScheme {
  return { kind: 'int', bits: 4, mode, granularity, groupSize: granularity === 'group' ? 32 : null, axis: 0, range, convention: 'lecture', ...extra };
}

/** Deterministic values in [-1, 1) (xorshift). */
function uniform(n: number, seed = 7): Float32Array {
  let s = seed;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = (s / 4294967296) * 2 - 1;
  }
  return out;
}

async function run(x: Float32Array, shape: readonly number[], s: IntScheme, blockSize = 1): Promise<IntResult> {
  const r = await analyzeTensor(memoryTensor(x, shape, { blockSize }), { schemes: [s], histogramBins: 0 });
  assert.equal(r.notApplicable, undefined, JSON.stringify(r.notApplicable));
  return r.results[0] as IntResult;
}

/** The channel's values in order (element i is in channel floor(i / inner) % channels). */
function slice(x: Float32Array, shape: readonly number[], axis: number, channel: number): Float32Array {
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return x.filter((_, i) => Math.floor(i / inner) % shape[axis]! === channel);
}

/** The per-tensor method run on each channel's slice alone (at the per-channel resolution): scales, clipped count, squared error, max error. */
function perSlice(x: Float32Array, shape: readonly number[], s: IntScheme): { scaleMin: number; scaleMax: number; clipped: number; sse: number; maxAbsErr: number } {
  let scaleMin = Infinity; let scaleMax = -Infinity; let clipped = 0; let sse = 0; let maxAbsErr = 0;
  for (let c = 0; c < shape[s.axis]!; c++) {
    const v = slice(x, shape, s.axis, c);
    const min = v.reduce((a, b) => Math.min(a, b), Infinity);
    const max = v.reduce((a, b) => Math.max(a, b), -Infinity);
    const h = newCalibrationHistograms(min, max, CHANNEL_CALIBRATION_BINS);
    addToCalibration(h, v, 0, v.length);
    const range = chooseRange(s.range, { min, max, calibration: h }, s.bits, s.mode, s.convention);
    const p = computeQParams(range.min, range.max, s.bits, s.mode, s.convention);
    scaleMin = Math.min(scaleMin, p.scale);
    scaleMax = Math.max(scaleMax, p.scale);
    const deq = new Float32Array(v.length);
    clipped += affineRoundTripRun(v, deq, 0, v.length, p.scale, p.zeroPoint, p.qmin, p.qmax, p.multiplyByInverse);
    for (let i = 0; i < v.length; i++) {
      const e = deq[i]! - v[i]!;
      sse += e * e;
      maxAbsErr = Math.max(maxAbsErr, Math.abs(e));
    }
  }
  return { scaleMin, scaleMax, clipped, sse, maxAbsErr };
}

const METHODS = ['percentile:99', 'mse', 'entropy', 'entropy:onnxruntime', 'histogram'];

describe('range methods per channel', () => {
  it('one channel with an outlier: percentile shrinks its range, the others stay near minmax', async () => {
    const shape = [3, 1000];
    const x = uniform(3000);
    x[2 * 1000 + 17] = 50;
    const minmax = await run(x, shape, scheme('minmax', 'symmetric', 'channel'));
    const pct = await run(x, shape, scheme('percentile:99', 'symmetric', 'channel'));
    assert.ok(minmax.scaleMax > 50 / 8, `minmax keeps the outlier: ${minmax.scaleMax}`);
    // lecture int4 symmetric: scale = a / 7; every channel's 99th |x| percentile is about 0.99 (one bin = 1/512 of its range).
    assert.ok(pct.scaleMax <= 1 / 7, `outlier channel clipped: ${pct.scaleMax}`);
    assert.ok(pct.scaleMin >= 0.97 / 7, `other channels near minmax: ${pct.scaleMin}`);
    // Clipping a lone 50 costs more squared error than it saves (that is mse's call, not percentile's).
    assert.ok(pct.clippedPct > minmax.clippedPct);
  });

  for (const mode of ['symmetric', 'asymmetric'] as const) {
    for (const range of METHODS) {
      for (const axis of [0, 1]) {
        it(`${range} ${mode} axis ${axis} equals the per-tensor method on each channel's slice`, async () => {
          const shape = [6, 40, 50];
          const x = uniform(12000, 11 + axis);
          x[123] = 9;
          x[4567] = -4;
          const s = scheme(range, mode, 'channel', { axis, bits: 8 });
          const got = await run(x, shape, s);
          const want = perSlice(x, shape, s);
          assert.equal(got.scaleMin, want.scaleMin);
          assert.equal(got.scaleMax, want.scaleMax);
          assert.equal(got.clippedPct, (100 * want.clipped) / x.length);
          assert.equal(got.maxAbsErr, want.maxAbsErr);
          assert.ok(Math.abs(got.mse - want.sse / x.length) <= 1e-12 * got.mse, `${got.mse} vs ${want.sse / x.length}`);
        });
      }
    }
  }

  it('chunk boundaries do not change per-channel results', async () => {
    // 150,000 elements cross the 65,536-element chunks, channels along axis 1 run 100 long and are cut by them.
    const shape = [500, 3, 100];
    const x = uniform(150000, 3);
    x[77777] = 12;
    for (const range of ['percentile:99.9', 'mse', 'entropy']) {
      const s = scheme(range, 'asymmetric', 'channel', { axis: 1, bits: 8 });
      const a = await run(x, shape, s, 1);
      const b = await run(x, shape, s, 997);
      assert.equal(a.scaleMin, b.scaleMin);
      assert.equal(a.scaleMax, b.scaleMax);
      assert.equal(a.clippedPct, b.clippedPct);
      assert.equal(a.maxAbsErr, b.maxAbsErr);
      assert.ok(Math.abs(a.mse - b.mse) <= 1e-12 * a.mse);
    }
  });

  it('more channels than MAX_CALIBRATION_CHANNELS: not applicable with the reason; minmax still runs', async () => {
    const shape = [MAX_CALIBRATION_CHANNELS + 1, 2];
    const r = await analyzeTensor(memoryTensor(new Float32Array(2 * (MAX_CALIBRATION_CHANNELS + 1)), shape), {
      schemes: [scheme('mse', 'symmetric', 'channel'), scheme('minmax', 'symmetric', 'channel')], histogramBins: 0,
    });
    assert.equal(r.results.length, 1);
    assert.match(r.notApplicable![0]!.reason, new RegExp(`at most ${MAX_CALIBRATION_CHANNELS} channels`));
  });

  it('the WebAssembly streaming path declines non-minmax ranges per channel and group (the reference computes them)', () => {
    assert.equal(wasmStreamSupports(scheme('mse', 'symmetric', 'channel'), [256, 256]), false);
    assert.equal(wasmStreamSupports(scheme('percentile:99', 'symmetric', 'group', { groupSize: 128 }), [256, 256]), false);
    assert.equal(wasmStreamSupports(scheme('minmax', 'symmetric', 'channel'), [256, 256]), true);
    assert.equal(wasmStreamSupports(scheme('mse', 'symmetric', 'tensor'), [256, 256]), true);
  });
});

describe('range methods per group', () => {
  it('percentile is the exact order statistic of the group', async () => {
    // |x| = 1..32, P = 90: sorted[ceil(0.9 * 32) - 1] = sorted[28] = 29; 30, 31, 32 saturate at int8.
    const x = Float32Array.from({ length: 32 }, (_, i) => (i % 2 === 0 ? 1 : -1) * (i + 1));
    const r = await run(x, [1, 32], scheme('percentile:90', 'symmetric', 'group', { bits: 8 }));
    assert.equal(r.scaleMax, Math.fround(29 / 127));
    assert.equal(r.clippedPct, (100 * 3) / 32);
  });

  it('asymmetric percentile cuts each tail of the group', async () => {
    // x = 0..99, P = 98: 1 % per tail, sorted[ceil(0.01 * 100) - 1] = 0 and sorted[ceil(0.99 * 100) - 1] = 98.
    const x = Float32Array.from({ length: 100 }, (_, i) => i);
    const r = await run(x, [1, 100], scheme('percentile:98', 'asymmetric', 'group', { bits: 8, groupSize: 100 }));
    assert.equal(r.scaleMax, Math.fround(98 / 255));
  });

  it('mse keeps minmax when the group sits on the grid and clips an outlier group, never worse than minmax', async () => {
    const grid = Float32Array.from({ length: 32 }, (_, i) => ((i % 15) - 7) / 7);
    const onGrid = await run(grid, [1, 32], scheme('mse', 'symmetric', 'group'));
    const gridMinmax = await run(grid, [1, 32], scheme('minmax', 'symmetric', 'group'));
    assert.equal(onGrid.scaleMax, Math.fround(1 / 7));
    assert.equal(onGrid.mse, gridMinmax.mse);
    const x = uniform(64 * 32, 5);
    for (let g = 0; g < 64; g += 8) x[g * 32 + 3] = 6;
    for (const mode of ['symmetric', 'asymmetric'] as const) {
      const minmax = await run(x, [64, 32], scheme('minmax', mode, 'group'));
      const mse = await run(x, [64, 32], scheme('mse', mode, 'group'));
      assert.ok(mse.mse < minmax.mse, `${mode}: ${mse.mse} vs ${minmax.mse}`);
      assert.ok(mse.scaleMax < minmax.scaleMax);
    }
  });

  it('chunk boundaries do not change per-group results', async () => {
    const x = uniform(100 * 1000, 9);
    for (const range of ['percentile:99', 'mse']) {
      const s = scheme(range, 'asymmetric', 'group', { groupSize: 64 });
      const a = await run(x, [100, 1000], s, 1);
      const b = await run(x, [100, 1000], s, 999);
      assert.equal(a.scaleMin, b.scaleMin);
      assert.equal(a.scaleMax, b.scaleMax);
      assert.equal(a.clippedPct, b.clippedPct);
      assert.ok(Math.abs(a.mse - b.mse) <= 1e-12 * a.mse);
    }
  });

  it('histogram-based methods per group are not applicable, with the reason', async () => {
    for (const range of ['entropy', 'entropy:onnxruntime', 'histogram']) {
      const r = await analyzeTensor(memoryTensor(new Float32Array(64), [2, 32]), { schemes: [scheme(range, 'symmetric', 'group')], histogramBins: 0 });
      assert.match(r.notApplicable![0]!.reason, /too many for a group's few values/);
    }
  });
});
