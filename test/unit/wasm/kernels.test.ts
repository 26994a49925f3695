import * as assert from 'node:assert/strict';
import { affineRoundTripRun } from '../../../src/core/quant/affine/affineKernel';
import { ERR, ERROR_BUCKETS, errorStatsChunk, newErrorAccumulator } from '../../../src/core/metrics/errorStatsKernel';
import { HISTOGRAM_FLAGS, histogramChunk } from '../../../src/core/metrics/histogramKernel';
import { minMaxRun, newStatsAccumulator, STATS, statsChunk } from '../../../src/core/metrics/statsKernel';
import { regionBytes, WASM_CODE_SLOTS, WASM_ERROR_BUCKET_SLOTS, type KernelLease } from '../../../src/core/analysis/engine/wasmKernels';
import { computeQParams } from '../../../src/core/quant/affine/qparams';
import type { Convention, IntMode } from '../../../src/shared/analysisTypes';
import { noise } from '../worker/fixtures';
import { compiledKernels } from './compiled';

/**
 * Float sums run in 4 f64 lanes in WebAssembly and in 1 in the reference: the order differs,
 * so they may differ by a few ulps of the total. Everything else must be identical.
 */
const SUM_RELATIVE_TOLERANCE = 1e-12;

function closeSum(actual: number, expected: number, what: string): void {
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE);
  assert.ok(Math.abs(actual - expected) <= SUM_RELATIVE_TOLERANCE * scale, `${what}: ${actual} vs ${expected}`);
}

/** Data with the awkward cases mixed in: NaN, infinities, zeros of both signs, exact ties x/scale = k + 0.5. */
function awkward(n: number, seed: number, tieScale: number): Float32Array {
  const x = noise(n, seed, 0.1);
  const specials = [Number.NaN, Infinity, -Infinity, 0, -0, 2.5 * tieScale, -3.5 * tieScale, 0.5 * tieScale, 1e-30, 1e30];
  for (let i = 0; i < specials.length; i++) x[(i * 7919) % n] = specials[i]!;
  return x;
}

describe('WebAssembly SIMD kernels equal the TypeScript reference', function () {
  this.timeout(120_000);
  let lease: KernelLease;
  const N = 4099; // not a multiple of 4: head and tail paths run too

  before(async () => {
    lease = (await compiledKernels()).lease();
  });

  after(() => lease.release());

  /** x copied into kernel memory (16-byte aligned) with `offset` leading elements to exercise unaligned runs. */
  function load(x: Float32Array): { ptr: number } {
    const region = lease.f32(x.length);
    region.view.set(x);
    return region;
  }

  it('statsChunk: count, non-finite, min, max identical; mean and M2 to the last bits', () => {
    lease.reserve(regionBytes(N, 4) + regionBytes(STATS.LENGTH, 8));
    const x = awkward(N, 1, 0.01);
    const acc = lease.f64(STATS.LENGTH);
    acc.view.set(newStatsAccumulator());
    const expected = newStatsAccumulator();
    // Two chunks, so the merge runs too.
    for (const [from, to] of [[0, 1000], [1000, N]] as const) {
      const part = x.slice(from, to);
      statsChunk(part, part.length, expected);
      lease.k.statsChunk(load(part).ptr, part.length, acc.ptr);
    }
    for (const slot of [STATS.COUNT, STATS.NON_FINITE, STATS.MIN, STATS.MAX]) assert.equal(acc.view[slot], expected[slot], `slot ${slot}`);
    closeSum(acc.view[STATS.MEAN]!, expected[STATS.MEAN]!, 'mean');
    closeSum(acc.view[STATS.M2]!, expected[STATS.M2]!, 'M2');
  });

  it('minMaxRun: identical over unaligned runs', () => {
    lease.reserve(regionBytes(N, 4) + regionBytes(8, 8));
    const x = awkward(N, 2, 0.01);
    const ptr = load(x).ptr;
    const out = lease.f64(8);
    for (const [from, to] of [[0, N], [3, 9], [5, 6], [1, 4000], [17, 17]] as const) {
      const expected = new Float64Array([Infinity, -Infinity]);
      out.view.set([Infinity, -Infinity], 2);
      minMaxRun(x, from, to, expected, 0);
      lease.k.minMaxRun(ptr, from, to, out.ptr, 2);
      assert.deepEqual(Array.from(out.view.subarray(2, 4)), Array.from(expected), `${from}..${to}`);
    }
  });

  for (const flags of [0, HISTOGRAM_FLAGS.ABSOLUTE, HISTOGRAM_FLAGS.CLAMP, HISTOGRAM_FLAGS.ABSOLUTE | HISTOGRAM_FLAGS.CLAMP]) {
    it(`histogramChunk (flags ${flags}): identical counts`, () => {
      const bins = 37;
      lease.reserve(regionBytes(N, 4) + regionBytes(bins + 1, 8));
      const x = awkward(N, 3, 0.01);
      const ptr = load(x).ptr;
      const counts = lease.f64(bins + 1);
      const expected = new Float64Array(bins);
      // A range narrower than the data, so the out-of-range handling matters.
      const lo = Math.fround(-0.05);
      const hi = Math.fround(0.07);
      histogramChunk(x, 1, N - 2, lo, hi, expected, flags);
      lease.k.histogramChunk(ptr, 1, N - 2, lo, hi, counts.ptr, bins, flags);
      assert.deepEqual(Array.from(counts.view.subarray(0, bins)), Array.from(expected));
    });
  }

  const cases: Array<[number, IntMode, Convention]> = [
    [8, 'symmetric', 'lecture'], [8, 'asymmetric', 'lecture'], [4, 'symmetric', 'lecture'], [4, 'asymmetric', 'lecture'],
    [2, 'symmetric', 'lecture'], [2, 'asymmetric', 'lecture'], [8, 'symmetric', 'torch'], [4, 'asymmetric', 'torch'],
    [8, 'symmetric', 'onnxruntime'], [3, 'asymmetric', 'onnxruntime'],
  ];
  for (const [bits, mode, convention] of cases) {
    it(`affineErrorRun int${bits} ${mode} ${convention}: round trip, clipping, buckets and bins identical; sums to the last bits`, () => {
      const bins = 64;
      const absMax = 0.3;
      const p = computeQParams(-absMax, absMax * 0.8, bits, mode, convention);
      const x = awkward(N, 4 + bits, p.scale);
      // Values beyond the range, so clipping happens.
      x[11] = 0.9;
      x[12] = -0.7;
      lease.reserve(regionBytes(N, 4) + regionBytes(ERR.LENGTH, 8) + regionBytes(WASM_ERROR_BUCKET_SLOTS, 4) + regionBytes(WASM_CODE_SLOTS, 4) + regionBytes(bins + 1, 8));
      const ptr = load(x).ptr;
      const acc = lease.f64(ERR.LENGTH);
      const errHist = lease.u32(WASM_ERROR_BUCKET_SLOTS);
      const codes = lease.u32(WASM_CODE_SLOTS);
      const deqCounts = lease.f64(bins + 1);
      const lo = Math.fround(-0.25);
      const hi = Math.fround(0.25);

      const deq = new Float32Array(N);
      const expectedAcc = newErrorAccumulator();
      const expectedHist = new Float64Array(ERROR_BUCKETS);
      const expectedCounts = new Float64Array(bins);
      let expectedClipped = 0;
      let clipped = 0;
      for (const [from, to] of [[0, 5], [5, 2051], [2051, N]] as const) {
        expectedClipped += affineRoundTripRun(x, deq, from, to, p.scale, p.zeroPoint, p.qmin, p.qmax, p.multiplyByInverse);
        clipped += lease.k.affineErrorRun(ptr, from, to, p.scale, p.zeroPoint, p.qmin, p.qmax, p.multiplyByInverse ? 1 : 0,
          acc.ptr, errHist.ptr, codes.ptr, deqCounts.ptr, bins, lo, hi, from % 2);
      }
      errorStatsChunk(x, deq, 0, N, expectedAcc, expectedHist);
      histogramChunk(deq, 0, N, lo, hi, expectedCounts, HISTOGRAM_FLAGS.CLAMP);

      assert.ok(expectedClipped > 0);
      assert.equal(clipped, expectedClipped);
      for (const slot of [ERR.COUNT, ERR.MAX_ABS_ERR, ERR.NON_FINITE_DEQ]) assert.equal(acc.view[slot], expectedAcc[slot], `slot ${slot}`);
      for (const slot of [ERR.SUM_SQ_ERR, ERR.SUM_SQ_X, ERR.SUM_SQ_DEQ, ERR.SUM_X_DEQ, ERR.SUM_REL_ERR]) {
        closeSum(acc.view[slot]!, expectedAcc[slot]!, `slot ${slot}`);
      }
      assert.deepEqual(Array.from(errHist.view.subarray(0, ERROR_BUCKETS)), Array.from(expectedHist));
      assert.deepEqual(Array.from(deqCounts.view.subarray(0, bins)), Array.from(expectedCounts));
      assert.ok(codes.view.every((c, i) => c === 0 || i % 257 === 256), 'code tables are left zeroed');
    });
  }

  for (const [bits, mode, convention] of cases.slice(0, 4)) {
    it(`affineErrorRunFinite int${bits} ${mode} ${convention} on finite data, plus sumSquares: as the reference`, () => {
      const bins = 32;
      const p = computeQParams(-0.3, 0.25, bits, mode, convention);
      const x = noise(N, 40 + bits, 0.1);
      x[11] = 0.9; // clipped
      lease.reserve(regionBytes(N, 4) + regionBytes(ERR.LENGTH, 8) + regionBytes(WASM_ERROR_BUCKET_SLOTS, 4) + regionBytes(WASM_CODE_SLOTS, 4) + regionBytes(bins + 1, 8));
      const ptr = load(x).ptr;
      const acc = lease.f64(ERR.LENGTH);
      const errHist = lease.u32(WASM_ERROR_BUCKET_SLOTS);
      const codes = lease.u32(WASM_CODE_SLOTS);
      const deqCounts = lease.f64(bins + 1);
      const lo = Math.fround(-0.2);
      const hi = Math.fround(0.2);
      let clipped = 0;
      for (const [from, to] of [[0, 3], [3, 2050], [2050, N]] as const) {
        clipped += lease.k.affineErrorRunFinite(ptr, from, to, p.scale, p.zeroPoint, p.qmin, p.qmax, p.multiplyByInverse ? 1 : 0,
          acc.ptr, errHist.ptr, codes.ptr, deqCounts.ptr, bins, lo, hi, from % 2);
      }
      acc.view[ERR.SUM_SQ_X] = lease.k.sumSquares(ptr, N);

      const deq = new Float32Array(N);
      const expectedAcc = newErrorAccumulator();
      const expectedHist = new Float64Array(ERROR_BUCKETS);
      const expectedCounts = new Float64Array(bins);
      const expectedClipped = affineRoundTripRun(x, deq, 0, N, p.scale, p.zeroPoint, p.qmin, p.qmax, p.multiplyByInverse);
      errorStatsChunk(x, deq, 0, N, expectedAcc, expectedHist);
      histogramChunk(deq, 0, N, lo, hi, expectedCounts, HISTOGRAM_FLAGS.CLAMP);
      assert.equal(clipped, expectedClipped);
      for (const slot of [ERR.COUNT, ERR.MAX_ABS_ERR, ERR.NON_FINITE_DEQ]) assert.equal(acc.view[slot], expectedAcc[slot], `slot ${slot}`);
      for (const slot of [ERR.SUM_SQ_ERR, ERR.SUM_SQ_X, ERR.SUM_SQ_DEQ, ERR.SUM_X_DEQ, ERR.SUM_REL_ERR]) {
        closeSum(acc.view[slot]!, expectedAcc[slot]!, `slot ${slot}`);
      }
      assert.deepEqual(Array.from(errHist.view.subarray(0, ERROR_BUCKETS)), Array.from(expectedHist));
      assert.deepEqual(Array.from(deqCounts.view.subarray(0, bins)), Array.from(expectedCounts));
    });
  }

  it('affineErrorRun with scale 0 reconstructs exactly (degenerate data)', () => {
    const bins = 8;
    lease.reserve(regionBytes(N, 4) + regionBytes(ERR.LENGTH, 8) + regionBytes(WASM_ERROR_BUCKET_SLOTS, 4) + regionBytes(WASM_CODE_SLOTS, 4) + regionBytes(bins + 1, 8));
    const x = awkward(N, 9, 0.01);
    const ptr = load(x).ptr;
    const acc = lease.f64(ERR.LENGTH);
    const errHist = lease.u32(WASM_ERROR_BUCKET_SLOTS);
    const codes = lease.u32(WASM_CODE_SLOTS);
    const deqCounts = lease.f64(bins + 1);
    assert.equal(lease.k.affineErrorRun(ptr, 0, N, 0, 0, -128, 127, 0, acc.ptr, errHist.ptr, codes.ptr, deqCounts.ptr, bins, -1, 1, 0), 0);
    const expectedAcc = newErrorAccumulator();
    const expectedHist = new Float64Array(ERROR_BUCKETS);
    errorStatsChunk(x, x, 0, N, expectedAcc, expectedHist);
    assert.equal(acc.view[ERR.SUM_SQ_ERR], 0);
    assert.equal(acc.view[ERR.COUNT], expectedAcc[ERR.COUNT]);
    assert.deepEqual(Array.from(errHist.view.subarray(0, ERROR_BUCKETS)), Array.from(expectedHist));
    const expectedCounts = new Float64Array(bins);
    histogramChunk(x, 0, N, -1, 1, expectedCounts, HISTOGRAM_FLAGS.CLAMP);
    assert.deepEqual(Array.from(deqCounts.view.subarray(0, bins)), Array.from(expectedCounts));
  });
});
