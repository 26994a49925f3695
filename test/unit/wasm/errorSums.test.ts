import * as assert from 'node:assert/strict';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import type { WasmKernels } from '../../../src/core/analysis/engine/wasmKernels';
import { ErrorAccumulator } from '../../../src/core/metrics/errorAccumulator';
import { ERR, errorStatsChunk, newErrorAccumulator } from '../../../src/core/metrics/errorStatsKernel';
import { openWasmPassKernels, WasmPassKernels } from '../../../src/core/analysis/engine/formatPassKernels';
import type { FormatResult, Scheme } from '../../../src/shared/analysisTypes';
import { newStatsAccumulator, STATS, statsChunk } from '../../../src/core/metrics/statsKernel';
import { memoryTensor } from '../analysis/memoryTensor';
import { noise } from '../worker/fixtures';
import { compiledKernels } from './compiled';

/** Sums run in 4 f64 lanes in WebAssembly, in 1 in the reference: a few ulps of the total apart. */
const SUM_RELATIVE_TOLERANCE = 1e-12;
const SUMS = [ERR.SUM_SQ_ERR, ERR.SUM_SQ_X, ERR.SUM_SQ_DEQ, ERR.SUM_X_DEQ, ERR.SUM_REL_ERR] as const;
const EXACT = [ERR.COUNT, ERR.MAX_ABS_ERR, ERR.NON_FINITE_DEQ] as const;

/** Originals and reconstructions with every awkward value among them, in both arrays: NaN, infinities, -0, subnormals, huge. */
function awkwardPairs(n: number, seed: number): { x: Float32Array; deq: Float32Array } {
  const x = noise(n, seed, 0.1);
  const deq = new Float32Array(n);
  const jitter = noise(n, seed + 1, 0.001);
  for (let i = 0; i < n; i++) deq[i] = x[i]! + jitter[i]!;
  const specials = [Number.NaN, Infinity, -Infinity, 0, -0, 1e-40, -1.4e-45, 3e38, -3.4e38, 1e-30, 65504];
  for (let i = 0; i < specials.length; i++) {
    x[(i * 7919) % n] = specials[i]!;
    deq[(i * 104729 + 13) % n] = specials[i]!;
    // The same special on both sides, and opposite huge values.
    x[(i * 31 + 5) % n] = specials[i]!;
    deq[(i * 31 + 5) % n] = specials[(i + 3) % specials.length]!;
  }
  return { x, deq };
}

function assertSameSums(actual: Float64Array, expected: Float64Array, what: string): void {
  for (const slot of EXACT) assert.equal(actual[slot], expected[slot], `${what}: slot ${slot}`);
  for (const slot of SUMS) {
    const scale = Math.max(Math.abs(expected[slot]!), Number.MIN_VALUE);
    assert.ok(Math.abs(actual[slot]! - expected[slot]!) <= SUM_RELATIVE_TOLERANCE * scale, `${what}: slot ${slot}: ${actual[slot]} vs ${expected[slot]}`);
  }
}

describe('errorSums (WebAssembly) equals errorStatsChunk without error buckets', function () {
  this.timeout(120_000);
  let kernels: WasmKernels;
  const N = 10_007; // not a multiple of 4: the scalar tail runs too

  before(async () => {
    kernels = await compiledKernels();
  });

  it('counts, largest error and non-finite reconstructions identical, sums to the last bits, over unaligned runs added up', () => {
    const { x, deq } = awkwardPairs(N, 3);
    const lease = kernels.lease();
    try {
      const sums = new WasmPassKernels(lease, 4096, 0);
      const expected = newErrorAccumulator();
      const actual = newErrorAccumulator();
      for (const [from, to] of [[0, 1], [1, 7], [7, 4103], [4103, 4103], [4103, N]] as const) {
        errorStatsChunk(x, deq, from, to, expected, null);
        sums.errorSums(x, deq, from, to, actual);
        assertSameSums(actual, expected, `${from}..${to}`);
      }
      assert.ok(expected[ERR.NON_FINITE_DEQ]! > 0 && expected[ERR.COUNT]! < N - 10, 'the data has skipped pairs of both kinds');
      assert.ok(expected[ERR.MAX_ABS_ERR]! > 1e38, 'huge errors are among them');
    } finally {
      lease.release();
    }
  });

  it('all-finite runs, and runs whose one non-finite value is a reconstruction (or one original), as the reference', () => {
    const x = noise(N, 13, 0.1);
    const jitter = noise(N, 14, 0.001);
    const deq = x.map((v, i) => v + jitter[i]!);
    const lease = kernels.lease();
    try {
      const sums = new WasmPassKernels(lease, N, 0);
      const cases: Array<[string, (a: Float32Array, b: Float32Array) => void]> = [
        ['finite', () => undefined],
        ['one infinite deq', (_a, b) => { b[2001] = Infinity; }],
        ['one NaN deq', (_a, b) => { b[4] = Number.NaN; }],
        ['one NaN x', (a) => { a[8] = Number.NaN; }],
        ['huge but finite', (a, b) => { a[12] = 3.4e38; b[12] = -3.4e38; }],
      ];
      for (const [what, spoil] of cases) {
        const xs = Float32Array.from(x);
        const ds = Float32Array.from(deq);
        spoil(xs, ds);
        const expected = newErrorAccumulator();
        errorStatsChunk(xs, ds, 0, N, expected, null);
        const actual = newErrorAccumulator();
        sums.errorSums(xs, ds, 0, N, actual);
        assertSameSums(actual, expected, what);
      }
    } finally {
      lease.release();
    }
  });

  it('stats: statsChunk over lent and copied chunks, longer than a span too', () => {
    const { x } = awkwardPairs(N, 15);
    const lease = kernels.lease();
    try {
      const k = new WasmPassKernels(lease, 4096, 1);
      const lent = k.buffer(4096);
      const expected = newStatsAccumulator();
      const actual = newStatsAccumulator();
      for (const [from, to] of [[0, 4096], [4096, N]] as const) {
        const part = x.subarray(from, to);
        statsChunk(part, part.length, expected);
        if (part.length <= lent.length) {
          lent.set(part);
          k.stats(lent, part.length, actual);
        } else {
          k.stats(part, part.length, actual);
        }
      }
      for (const slot of [STATS.COUNT, STATS.NON_FINITE, STATS.MIN, STATS.MAX]) assert.equal(actual[slot], expected[slot], `slot ${slot}`);
      for (const slot of [STATS.MEAN, STATS.M2]) {
        assert.ok(Math.abs(actual[slot]! - expected[slot]!) <= SUM_RELATIVE_TOLERANCE * Math.abs(expected[slot]!), `slot ${slot}`);
      }
      assert.ok(expected[STATS.NON_FINITE]! > 0);
    } finally {
      lease.release();
    }
  });

  it('reads buffers in kernel memory in place, with the same sums as copies of them', () => {
    const { x, deq } = awkwardPairs(N, 5);
    const lease = kernels.lease();
    try {
      const sums = new WasmPassKernels(lease, N, 2);
      const xIn = sums.buffer(N);
      const deqIn = sums.buffer(N);
      xIn.set(x);
      deqIn.set(deq);
      const inPlace = newErrorAccumulator();
      sums.errorSums(xIn, deqIn, 3, N, inPlace);
      const copied = newErrorAccumulator();
      sums.errorSums(x, deq, 3, N, copied);
      assert.deepEqual(inPlace, copied);
      assert.throws(() => sums.buffer(1), /no kernel buffer/);
    } finally {
      lease.release();
    }
  });

  it('an ErrorAccumulator for the table alone gives the reference figures; one with error buckets keeps the reference kernel', () => {
    const { x, deq } = awkwardPairs(N, 7);
    const lease = kernels.lease();
    try {
      const sums = new WasmPassKernels(lease, 1024, 0);
      const table = { min: -1, max: 1, bins: 0, errorPercentiles: false };
      const reference = new ErrorAccumulator(table);
      const wasm = new ErrorAccumulator(table, sums);
      const percentiles = new ErrorAccumulator({ ...table, errorPercentiles: true }, sums);
      const referencePercentiles = new ErrorAccumulator({ ...table, errorPercentiles: true });
      for (const a of [reference, wasm, percentiles, referencePercentiles]) a.add(x, deq, 0, N);
      const r = reference.metrics();
      const w = wasm.metrics();
      assert.equal(w.maxAbsErr, r.maxAbsErr);
      assert.equal(w.nonFiniteOutputs, r.nonFiniteOutputs);
      for (const key of ['mse', 'meanRelErrPct', 'cosine'] as const) {
        assert.ok(Math.abs(w[key] - r[key]) <= SUM_RELATIVE_TOLERANCE * Math.abs(r[key]), `${key}: ${w[key]} vs ${r[key]}`);
      }
      assert.deepEqual(percentiles.metrics(), referencePercentiles.metrics());
    } finally {
      lease.release();
    }
  });

  it('analyzeTensor with the kernels: every named format of the table as without them', async () => {
    const rows = 24;
    const cols = 512;
    const { x } = awkwardPairs(rows * cols, 9);
    const schemes: Scheme[] = (['q4_k', 'q8_0', 'nf4', 'mxfp4', 'nvfp4', 'fp8_e4m3'] as const).map((format) => ({ kind: 'format', format }));
    const options = { schemes, histogramBins: 16, tableOnly: true };
    // Chunks of 4096 + 64 values: blocks carried over chunk boundaries too.
    const tensor = (): ReturnType<typeof memoryTensor> => memoryTensor(x, [rows, cols], { blockSize: 4160 });
    const reference = await analyzeTensor(tensor(), options);
    const fast = await analyzeTensor(tensor(), options, {}, openWasmPassKernels(kernels));
    // Stats from the SIMD statsChunk: counts, min and max identical, mean and std to the last bits.
    const { mean, std, ...exact } = fast.stats;
    const { mean: refMean, std: refStd, ...refExact } = reference.stats;
    assert.deepEqual(exact, refExact);
    assert.ok(Math.abs(mean - refMean) <= SUM_RELATIVE_TOLERANCE * Math.abs(refMean) && Math.abs(std - refStd) <= SUM_RELATIVE_TOLERANCE * refStd, 'mean, std');
    assert.equal(fast.results.length, schemes.length);
    fast.results.forEach((f, i) => {
      const r = reference.results[i] as FormatResult;
      const w = f as FormatResult;
      assert.equal(w.format, r.format);
      assert.equal(w.maxAbsErr, r.maxAbsErr, r.format);
      assert.equal(w.nonFiniteOutputs, r.nonFiniteOutputs, r.format);
      for (const key of ['mse', 'meanRelErrPct'] as const) {
        assert.ok(Math.abs(w[key] - r[key]) <= SUM_RELATIVE_TOLERANCE * Math.abs(r[key]), `${r.format} ${key}: ${w[key]} vs ${r[key]}`);
      }
      assert.ok(r.mse > 0, `${r.format} quantizes with some error`);
    });
  });
});
