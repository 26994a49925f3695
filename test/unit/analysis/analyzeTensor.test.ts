import * as assert from 'node:assert/strict';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { CHUNK_ELEMENTS } from '../../../src/core/analysis/chunkStream';
import { CancelledError } from '../../../src/core/errors';
import type { Convention, IntMode, IntResult, IntScheme, Scheme } from '../../../src/shared/analysisTypes';
import { memoryTensor } from './memoryTensor';
import { referenceErrors, referenceRoundTrip } from './referenceInt';

function int(bits: number, mode: IntMode, granularity: IntScheme['granularity'] = 'tensor', extra: Partial<IntScheme> = {}): IntScheme {
  return { kind: 'int', bits, mode, granularity, groupSize: granularity === 'group' ? 128 : null, axis: 0, range: 'minmax', convention: 'lecture', ...extra };
}

/** Deterministic pseudo-normal data with a few outliers (xorshift + Box-Muller). */
function gaussian(n: number, seed = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const u = (): number => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 0.05 * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()) + (i % 9973 === 0 ? 0.7 : 0);
  return out;
}

function assertAllFinite(value: unknown, path = '$'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} = ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => assertAllFinite(v, `${path}[${i}]`));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) assertAllFinite(v, `${path}.${k}`);
}

function intResult(r: unknown): IntResult {
  return r as IntResult;
}

describe('analyzeTensor', () => {
  it('pins lecture int8 symmetric on a hand vector: ties to even, all metrics', async () => {
    // absmax 127 -> scale 1; 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> 0, -2.5 -> -2
    const t = memoryTensor([0.5, 1.5, 2.5, -0.5, -2.5, 127], [6]);
    const r = await analyzeTensor(t, { schemes: [int(8, 'symmetric')], histogramBins: 4 });
    const res = intResult(r.results[0]);
    assert.equal(res.scale, 1);
    assert.equal(res.zeroPoint, 0);
    assert.equal(res.mse, (5 * 0.25) / 6);
    assert.equal(res.maxAbsErr, 0.5);
    assert.deepEqual([res.clipMin, res.clipMax], [-128, 127]);
    assert.equal(res.clippedPct, 0);
    const rel = [[0.5, 0.5], [0.5, 1.5], [0.5, 2.5], [0.5, 0.5], [0.5, 2.5]].reduce((a, [e, v]) => a + e! / (v! + 1e-10), 0);
    assert.ok(Math.abs(res.meanRelErrPct - (rel / 6) * 100) < 1e-12);
    const sumSqX = 0.25 + 2.25 + 6.25 + 0.25 + 6.25 + 127 * 127;
    assert.ok(Math.abs(res.sqnrDb! - 10 * Math.log10(sumSqX / 1.25)) < 1e-12);
    const { std, ...rest } = r.stats;
    assert.deepEqual(rest, { min: -2.5, max: 127, absMax: 127, mean: 128.5 / 6, nonFinite: 0 });
    const populationStd = Math.sqrt([0.5, 1.5, 2.5, -0.5, -2.5, 127].reduce((a, v) => a + (v - 128.5 / 6) ** 2, 0) / 6);
    assert.ok(Math.abs(std - populationStd) < 1e-12 * populationStd);
    assert.deepEqual(r.histogram, { min: -2.5, max: 127, counts: [5, 0, 0, 1] });
  });

  it('pins lecture asymmetric int4 on a hand vector', async () => {
    // [0, 1.5]: scale = 1.5/15 = 0.1, zp = 0; 0.25 -> 2.5 -> 2 -> 0.2; 0.35 -> 3.5 -> 4 -> 0.4
    const t = memoryTensor([0, 0.25, 0.35, 1.5], [4]);
    const res = intResult((await analyzeTensor(t, { schemes: [int(4, 'asymmetric')], histogramBins: 0 })).results[0]);
    const f32 = Math.fround;
    assert.equal(res.scale, f32(f32(1.5) / 15));
    assert.equal(res.zeroPoint, 0);
    const e = [0, f32(0.25) - f32(res.scale! * 2), f32(0.35) - f32(res.scale! * 4), f32(1.5) - f32(res.scale! * 15)];
    assert.equal(res.mse, e.reduce((a, v) => a + v * v, 0) / 4);
    assert.equal(res.histograms, undefined);
  });

  const conventions: Convention[] = ['lecture', 'torch', 'onnxruntime'];
  const layouts: { shape: number[]; schemes: IntScheme[] }[] = [
    { shape: [3, 70001], schemes: [int(8, 'symmetric'), int(4, 'asymmetric'), int(2, 'symmetric', 'channel'), int(3, 'asymmetric', 'channel', { axis: 1 })] },
    { shape: [5, 7, 3001], schemes: [int(4, 'asymmetric', 'channel', { axis: 1 }), int(8, 'symmetric', 'group', { groupSize: 128 }), int(4, 'asymmetric', 'group', { groupSize: 1000 })] },
    { shape: [2, 150000], schemes: [int(4, 'symmetric', 'group', { groupSize: 70000 })] },
  ];
  for (const convention of conventions) {
    for (const { shape, schemes } of layouts) {
      it(`matches a one-shot reference across chunk boundaries: ${convention}, shape ${shape.join('x')}`, async () => {
        const numel = shape.reduce((a, b) => a * b, 1);
        const x = gaussian(numel, shape[1]);
        x[17] = NaN;
        x[CHUNK_ELEMENTS + 3] = Infinity;
        const withConvention = schemes.map((s) => ({ ...s, convention }));
        const r = await analyzeTensor(memoryTensor(x, shape), { schemes: withConvention, histogramBins: 32 });
        assert.equal(r.stats.nonFinite, 2);
        withConvention.forEach((scheme, k) => {
          const got = intResult(r.results[k]);
          const ref = referenceErrors(x, referenceRoundTrip(x, shape, scheme));
          const label = `${scheme.granularity} ${scheme.bits} ${scheme.mode} axis ${scheme.axis} group ${scheme.groupSize}`;
          assert.ok(Math.abs(got.mse - ref.mse) <= 1e-12 * ref.mse, `${label}: mse ${got.mse} vs ${ref.mse}`);
          assert.equal(got.maxAbsErr, ref.maxAbsErr, label);
        });
      });
    }
  }

  it('chunk boundaries do not change the result (blockSize 1 vs 3 shifts every boundary)', async () => {
    const shape = [3, 70001];
    const x = gaussian(3 * 70001, 7);
    const schemes: Scheme[] = [int(8, 'symmetric'), int(4, 'asymmetric', 'group', { groupSize: 100 }), int(2, 'asymmetric', 'channel', { axis: 1 })];
    const a = await analyzeTensor(memoryTensor(x, shape), { schemes, histogramBins: 16 });
    const b = await analyzeTensor(memoryTensor(x, shape, { blockSize: 3 }), { schemes, histogramBins: 16 });
    assert.deepEqual(a.stats.nonFinite, b.stats.nonFinite);
    assert.deepEqual(a.histogram, b.histogram);
    a.results.forEach((ra, k) => {
      const rb = b.results[k]!;
      assert.equal(ra.maxAbsErr, rb.maxAbsErr);
      assert.deepEqual(ra.histograms, rb.histograms);
      assert.ok(Math.abs(ra.mse - rb.mse) <= 1e-12 * ra.mse);
      assert.deepEqual([ra.errP50, ra.errP95, ra.errP99], [rb.errP50, rb.errP95, rb.errP99]);
    });
  });

  it('per group: the short last group of each row gets its own scale', async () => {
    // rows of 5, groups of 2: [1, 2 | 3, 4 | 10] per row; symmetric 8-bit lecture scales 2/127, 4/127, 10/127
    const t = memoryTensor([1, 2, 3, 4, 10, -1, -2, -3, -4, -10], [2, 5]);
    const res = intResult((await analyzeTensor(t, { schemes: [int(8, 'symmetric', 'group', { groupSize: 2 })], histogramBins: 0 })).results[0]);
    assert.equal(res.scaleMin, Math.fround(2 / 127));
    assert.equal(res.scaleMax, Math.fround(10 / 127));
    assert.equal(res.groupSize, 2);
    assert.equal(res.scale, null);
  });

  it('degenerate all-zero tensor: exact, sqnr null, degenerate under every convention', async () => {
    for (const convention of conventions) {
      const t = memoryTensor(new Float32Array(10), [2, 5]);
      const r = await analyzeTensor(t, { schemes: [int(8, 'symmetric', 'tensor', { convention }), int(4, 'asymmetric', 'channel', { convention })], histogramBins: 4 });
      for (const res of r.results.map(intResult)) {
        assert.equal(res.degenerate, true, convention);
        assert.deepEqual([res.mse, res.maxAbsErr, res.sqnrDb], [0, 0, null]);
      }
      assert.equal(intResult(r.results[0]).scale, { lecture: 0, torch: 2 ** -23, onnxruntime: 1 }[convention]);
    }
  });

  it('constant tensor, lecture asymmetric: degenerate, scale 0, exact', async () => {
    const res = intResult((await analyzeTensor(memoryTensor([0.3, 0.3, 0.3], [3]), { schemes: [int(8, 'asymmetric')], histogramBins: 2 })).results[0]);
    assert.deepEqual([res.degenerate, res.scale, res.mse, res.sqnrDb], [true, 0, 0, null]);
  });

  it('lists schemes that do not apply, with the reason, and still analyses the rest', async () => {
    const schemes: Scheme[] = [int(8, 'symmetric', 'channel'), int(8, 'symmetric'), int(9, 'symmetric'), int(4, 'symmetric', 'tensor', { range: 'bogus' })];
    const r = await analyzeTensor(memoryTensor([1, 2, 3], [3]), { schemes, histogramBins: 0 });
    assert.equal(r.results.length, 1);
    assert.deepEqual(r.notApplicable?.map((n) => n.scheme), [schemes[0], schemes[2], schemes[3]]);
    assert.match(r.notApplicable![0]!.reason, /rank >= 2/);
    const wrongAxis = await analyzeTensor(memoryTensor([1, 2, 3, 4], [2, 2]), { schemes: [int(8, 'symmetric', 'channel', { axis: 2 })], histogramBins: 0 });
    assert.match(wrongAxis.notApplicable![0]!.reason, /axis 2/);
  });

  it('a negative channel axis counts from the end; an empty tensor has no applicable scheme', async () => {
    const x = gaussian(6 * 10, 3);
    const r = await analyzeTensor(memoryTensor(x, [6, 10]), { schemes: [int(8, 'symmetric', 'channel', { axis: -1 }), int(8, 'symmetric', 'channel', { axis: 1 })], histogramBins: 0 });
    const [neg, pos] = r.results as IntResult[];
    assert.equal(neg!.axis, 1);
    assert.deepEqual({ ...neg!, histograms: undefined }, { ...pos!, histograms: undefined });
    const empty = await analyzeTensor(memoryTensor([], [0, 4]), { schemes: [int(8, 'symmetric', 'channel'), { kind: 'format', format: 'nf4' }], histogramBins: 4 });
    assert.deepEqual(empty.results, []);
    assert.equal(empty.notApplicable?.length, 2);
  });

  it('reads in bounded chunks and reports cumulative progress up to numel', async () => {
    const n = 3 * CHUNK_ELEMENTS + 5;
    const t = memoryTensor(gaussian(n), [n]);
    const seen: number[] = [];
    await analyzeTensor(t, { schemes: [int(8, 'symmetric')], histogramBins: 8 }, { onElements: (k) => seen.push(k) });
    assert.equal(t.reads, 2 * 4); // two passes of four chunks
    assert.equal(seen[seen.length - 1], n);
    assert.ok(seen.every((v, i) => i === 0 || v > seen[i - 1]!));
  });

  it('throws CancelledError promptly when the signal fires', async () => {
    const n = 4 * CHUNK_ELEMENTS;
    const t = memoryTensor(gaussian(n), [n]);
    const controller = new AbortController();
    await assert.rejects(
      analyzeTensor(t, { schemes: [int(8, 'symmetric')], histogramBins: 8 }, { signal: controller.signal, onElements: () => controller.abort() }),
      CancelledError,
    );
    assert.equal(t.reads, 1);
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(analyzeTensor(t, { schemes: [], histogramBins: 0 }, { signal: aborted.signal }), CancelledError);
  });

  it('never puts NaN or Infinity in the result (JSON would turn them into null)', async () => {
    const t = memoryTensor([NaN, Infinity, -Infinity], [3]);
    const r = await analyzeTensor(t, { schemes: [int(8, 'symmetric'), int(8, 'asymmetric', 'tensor', { convention: 'torch' })], histogramBins: 4 });
    assert.equal(r.stats.nonFinite, 3);
    assertAllFinite(r);
  });
});
