import * as assert from 'node:assert/strict';
import { affineRoundTripRun } from '../../../src/core/quant/affine/affineKernel';
import { ERR, ERROR_BUCKETS, errorStatsChunk, newErrorAccumulator } from '../../../src/core/metrics/errorStatsKernel';
import { regionBytes, type KernelLease } from '../../../src/core/analysis/engine/wasmKernels';
import { nothingClips, SuiteRun } from '../../../src/core/analysis/engine/suiteRun';
import { computeQParams, type QParams } from '../../../src/core/quant/affine/qparams';
import type { Convention, IntMode } from '../../../src/shared/analysisTypes';
import { noise } from '../worker/fixtures';
import { compiledKernels } from './compiled';

/** Sums in 4 f64 lanes against 1 in the reference: a few ulps of the total apart. */
const SUM_RELATIVE_TOLERANCE = 1e-12;
/** Three tiles of the kernel (512 values) and a tail that fills no vector. */
const N = 3 * 512 + 7;

function closeSum(actual: number, expected: number, what: string): void {
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE);
  assert.ok(Math.abs(actual - expected) <= SUM_RELATIVE_TOLERANCE * scale, `${what}: ${actual} vs ${expected}`);
}

function rangeOf(x: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of x) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { min, max };
}

/** The reference's table sums for one scheme: round trip, then errorStatsChunk, and the sum of x (x - deq). */
function reference(x: Float32Array, p: QParams): { acc: Float64Array; xErr: number; clipped: number } {
  const deq = new Float32Array(x.length);
  const clipped = affineRoundTripRun(x, deq, 0, x.length, p.scale, p.zeroPoint, p.qmin, p.qmax, p.multiplyByInverse);
  const acc = newErrorAccumulator();
  errorStatsChunk(x, deq, 0, x.length, acc, new Float64Array(ERROR_BUCKETS));
  let xErr = 0;
  for (let i = 0; i < x.length; i++) xErr += x[i]! * (x[i]! - deq[i]!);
  return { acc, xErr, clipped };
}

describe('SuiteRun (kernels.wasm affineSuiteFinite) equals the reference', function () {
  this.timeout(120_000);
  let lease: KernelLease;
  before(async () => {
    lease = (await compiledKernels()).lease();
  });
  after(() => lease.release());

  const modes: Array<[number, IntMode, Convention]> = [
    [8, 'symmetric', 'lecture'], [8, 'asymmetric', 'lecture'], [4, 'symmetric', 'lecture'], [4, 'asymmetric', 'lecture'],
    [2, 'symmetric', 'lecture'], [2, 'asymmetric', 'lecture'], [8, 'symmetric', 'torch'], [4, 'asymmetric', 'torch'],
    [8, 'symmetric', 'onnxruntime'], [3, 'asymmetric', 'onnxruntime'],
  ];
  // Data around 0, and data far from it (a large asymmetric zero point).
  for (const [label, offset] of [['around 0', 0], ['offset by 3', 3]] as const) {
    it(`every scheme, over its min/max range (nothing clips) and a narrower one (clips), ${label}`, () => {
      const x = noise(N, 7, 0.05).map((v) => v + offset);
      const range = rangeOf(x);
      const params = modes.flatMap(([bits, mode, convention]) => [
        computeQParams(range.min, range.max, bits, mode, convention),
        computeQParams(range.min * 0.6 + offset * 0.4, range.max * 0.6 + offset * 0.4, bits, mode, convention),
      ]);
      lease.reserve(regionBytes(N, 4) + SuiteRun.bytes(params.length));
      const data = lease.f32(N);
      data.view.set(x);
      const suite = new SuiteRun(lease, params, range);
      // Two calls, as the engine's chunks: the sums add up.
      suite.run(data.ptr, 1000);
      suite.run(data.ptr + 1000 * 4, N - 1000);
      params.forEach((p, i) => {
        const got = suite.sums(i);
        const want = reference(x, p);
        const what = `scheme ${i}`;
        assert.equal(got.clipped, want.clipped, `${what} clipped`);
        for (const slot of [ERR.COUNT, ERR.MAX_ABS_ERR]) assert.equal(got.acc[slot], want.acc[slot], `${what} slot ${slot}`);
        for (const slot of [ERR.SUM_SQ_ERR, ERR.SUM_REL_ERR]) closeSum(got.acc[slot]!, want.acc[slot]!, `${what} slot ${slot}`);
        closeSum(got.xErr, want.xErr, `${what} sum x e`);
      });
      assert.ok(params.some((p) => reference(x, p).clipped > 0), 'some scheme clips');
    });
  }

  it('nothingClips: exactly when no value of the range clips in the reference, and false when the zero point is beyond float32 integers', () => {
    const range = { min: -0.2, max: 0.3 };
    // The range's ends and a dense grid between them.
    const grid = Float32Array.from({ length: 4097 }, (_, i) => range.min + ((range.max - range.min) * i) / 4096);
    grid[grid.length - 1] = range.max;
    let clipFree = 0;
    for (const [bits, mode, convention] of modes) {
      for (const p of [computeQParams(range.min, range.max, bits, mode, convention), computeQParams(range.min / 2, range.max / 2, bits, mode, convention)]) {
        const clips = affineRoundTripRun(grid, new Float32Array(grid.length), 0, grid.length, p.scale, p.zeroPoint, p.qmin, p.qmax, p.multiplyByInverse) > 0;
        assert.equal(nothingClips(p, range), !clips, `int${bits} ${mode} ${convention}, scale ${p.scale}`);
        if (!clips) clipFree++;
      }
    }
    assert.ok(clipFree >= modes.length / 2, 'most min/max schemes clip nothing');
    const far = { min: 1e6, max: 1e6 + 0.5 };
    const p = computeQParams(far.min, far.max, 8, 'asymmetric', 'lecture');
    assert.ok(Math.abs(p.zeroPoint) > 2 ** 24);
    assert.ok(!nothingClips(p, far));
  });
});
