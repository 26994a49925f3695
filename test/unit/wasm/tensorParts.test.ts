import * as assert from 'node:assert/strict';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { analyzeTensorFast } from '../../../src/core/analysis/engine/engine';
import {
  analyzePartErrors, analyzePartStats, mergeErrorSums, mergeStatsSums, splitPlan, splitResult,
} from '../../../src/core/analysis/engine/tensorParts';
import type { WasmKernels } from '../../../src/core/analysis/engine/wasmKernels';
import type { AnalysisOptions, Scheme, TensorResult } from '../../../src/shared/analysisTypes';
import type { TensorEntry } from '../../../src/core/tensor';
import { memoryTensor } from '../analysis/memoryTensor';
import { noise } from '../worker/fixtures';
import { compiledKernels } from './compiled';
import { assertSame } from './sameResult';

const int = (bits: number, mode: 'symmetric' | 'asymmetric', extra: Partial<Scheme & { kind: 'int' }> = {}): Scheme => ({
  kind: 'int', bits, mode, granularity: 'tensor', groupSize: null, axis: 0, range: 'minmax', convention: 'lecture', ...extra,
});
const SCHEMES: Scheme[] = [
  ...[8, 4, 2].flatMap((b) => [int(b, 'symmetric'), int(b, 'asymmetric')]),
  int(8, 'symmetric', { convention: 'torch' }),
  int(4, 'symmetric', { granularity: 'channel' }),
  int(8, 'asymmetric', { granularity: 'channel' }),
  int(4, 'asymmetric', { granularity: 'group', groupSize: 32 }),
];
const SHAPE = [300, 1000];
/** Parts of 70 000 elements: 70 rows each, the last one short, and every part spans engine chunks. */
const PART = 70_000;

async function inParts(
  entry: TensorEntry, options: AnalysisOptions, kernels: WasmKernels, order: (n: number) => number[], partElements = PART,
): Promise<TensorResult> {
  const split = splitPlan(entry, options, partElements);
  assert.ok(split, 'the tensor splits');
  const indices = order(split.parts.length);
  const statsParts = new Array(split.parts.length);
  for (const i of indices) statsParts[i] = await analyzePartStats(entry, options, split.parts[i]!, kernels, {});
  const stats = mergeStatsSums(statsParts);
  const errorParts = new Array(split.parts.length);
  for (const i of indices) errorParts[i] = await analyzePartErrors(entry, options, split.parts[i]!, stats, kernels, {});
  return splitResult(entry, options, split, stats, mergeErrorSums(errorParts));
}

const forwards = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const backwards = (n: number): number[] => forwards(n).reverse();

describe('one tensor analysed in parts (as the pool spreads it over threads)', function () {
  this.timeout(120_000);
  let kernels: WasmKernels;
  before(async () => {
    kernels = await compiledKernels();
  });

  const data = (withSpecials: boolean): Float32Array => {
    const x = noise(SHAPE[0]! * SHAPE[1]!, 5, 0.05);
    if (withSpecials) {
      x[12] = Number.NaN;
      x[150_001] = -Infinity;
      x[9] = 0.4;
    }
    return x;
  };

  for (const [label, options] of [
    ['table figures only (fused suite)', { schemes: SCHEMES, histogramBins: 0, tableOnly: true }],
    ['with histograms and error percentiles', { schemes: SCHEMES, histogramBins: 32 }],
  ] as const) {
    for (const specials of [false, true]) {
      it(`${label}${specials ? ', NaN and infinities' : ''}: the reference's figures, whatever order the parts run in`, async () => {
        const entry = memoryTensor(data(specials), SHAPE);
        const parts = await inParts(entry, options, kernels, forwards);
        assertSame(parts, await analyzeTensor(entry, options));
        assertSame(parts, await analyzeTensorFast(entry, options, {}, kernels));
        // Merged in part order, not finishing order: identical to the last bit.
        assert.deepEqual(await inParts(entry, options, kernels, backwards), parts);
      });
    }
  }

  it('splits only what it can: big enough, 2-D, every scheme on the streaming kernels', () => {
    const options: AnalysisOptions = { schemes: SCHEMES, histogramBins: 0, tableOnly: true };
    const tensor = { dtype: 'F32', shape: SHAPE, numel: 300_000 };
    assert.deepEqual(splitPlan(tensor, options, PART)!.parts.map((p) => p.to - p.from), [70_000, 70_000, 70_000, 70_000, 20_000]);
    assert.equal(splitPlan(tensor, options, 150_001), null, 'fewer than two parts');
    assert.equal(splitPlan({ ...tensor, shape: [300_000] }, options, PART), null, '1-D');
    assert.equal(splitPlan(tensor, { ...options, schemes: [int(8, 'symmetric', { granularity: 'channel', axis: 1 })] }, PART), null, 'short channel runs');
    assert.equal(splitPlan(tensor, { ...options, schemes: [int(8, 'symmetric', { range: 'percentile:99.9' })] }, PART), null, 'calibration');
    assert.equal(splitPlan({ ...tensor, dtype: 'BF16' }, { ...options, schemes: [int(8, 'symmetric')] }, PART), null, '16-bit counting path');
  });

  it('refuses a part that is not whole rows of the tensor', async () => {
    const entry = memoryTensor(data(false), SHAPE);
    const options: AnalysisOptions = { schemes: SCHEMES, histogramBins: 0, tableOnly: true };
    await assert.rejects(analyzePartStats(entry, options, { from: 500, to: 70_000 }, kernels, {}), /whole rows/);
    await assert.rejects(analyzePartStats(entry, options, { from: 0, to: 300_001 }, kernels, {}), /whole rows/);
  });
});

const format = (name: string): Scheme => ({ kind: 'format', format: name } as Scheme);

/** Every family of named formats: casts, bitsandbytes (flat blocks), MX, NVFP4 (a tensor scale), ggml blocks and k-quants, IQ. */
const FORMAT_CASES: readonly { readonly family: string; readonly shape: readonly number[]; readonly schemes: readonly Scheme[] }[] = [
  // Rows of 1000: the bitsandbytes blocks of 64 run across rows (parts of whole 8000-element runs), MXFP4's last block per row is short.
  { family: 'casts, bitsandbytes, MXFP4', shape: [300, 1000], schemes: ['fp16', 'bf16', 'fp8_e4m3', 'fp8_e5m2', 'nf4', 'fp4', 'mxfp4'].map(format) },
  { family: 'NVFP4, ggml blocks', shape: [160, 768], schemes: ['nvfp4', 'q8_0', 'q4_0', 'q4_1', 'q5_0', 'q5_1', 'iq4_nl'].map(format) },
  { family: 'k-quants, IQ4_XS', shape: [160, 768], schemes: ['q2_k', 'q3_k', 'q4_k', 'q5_k', 'q6_k', 'iq4_xs'].map(format) },
  { family: 'int and formats mixed', shape: [160, 768], schemes: [SCHEMES[0]!, format('q4_k'), SCHEMES[9]!, format('nvfp4'), SCHEMES[8]!] },
];
/** Parts of about 9 000 elements: a few rows each (never a multiple of the 256-element super-blocks' count per chunk). */
const FORMAT_PART = 9_000;

describe('named formats analysed in parts', function () {
  this.timeout(240_000);
  let kernels: WasmKernels;
  before(async () => {
    kernels = await compiledKernels();
  });

  for (const { family, shape, schemes } of FORMAT_CASES) {
    for (const [label, extra] of [
      ['table figures only', { histogramBins: 0, tableOnly: true }],
      ['histograms and error percentiles', { histogramBins: 32 }],
    ] as const) {
      it(`${family}, ${label}: the one-piece analysis's figures, whatever order the parts run in`, async () => {
        const x = noise(shape[0]! * shape[1]!, 17, 0.05);
        x[1234] = Number.NaN;
        x[50_001] = Infinity;
        const entry = memoryTensor(x, shape);
        const options: AnalysisOptions = { schemes, ...extra };
        const parts = await inParts(entry, options, kernels, forwards, FORMAT_PART);
        assert.ok(splitPlan(entry, options, FORMAT_PART)!.parts.length >= 8);
        assertSame(parts, await analyzeTensor(entry, options));
        assertSame(parts, await analyzeTensorFast(entry, options, {}, kernels));
        assert.deepEqual(await inParts(entry, options, kernels, backwards, FORMAT_PART), parts);
      });
    }
  }

  it('cuts parts on whole flat blocks, and still refuses calibrated int ranges', () => {
    const tensor = { dtype: 'F32', shape: [300, 1000], numel: 300_000 };
    const options: AnalysisOptions = { schemes: [format('nf4')], histogramBins: 0, tableOnly: true };
    assert.deepEqual(splitPlan(tensor, options, FORMAT_PART)!.parts.slice(0, 2), [{ from: 0, to: 16_000 }, { from: 16_000, to: 32_000 }]);
    assert.equal(splitPlan(tensor, { ...options, schemes: [format('q8_0'), int(8, 'symmetric', { range: 'mse' })] }, FORMAT_PART), null);
  });

  it('refuses a part that cuts a flat block', async () => {
    const entry = memoryTensor(noise(300_000, 3), [300, 1000]);
    const options: AnalysisOptions = { schemes: [format('nf4')], histogramBins: 0, tableOnly: true };
    await assert.rejects(analyzePartStats(entry, options, { from: 1000, to: 16_000 }, kernels, {}), /whole rows/);
  });
});
