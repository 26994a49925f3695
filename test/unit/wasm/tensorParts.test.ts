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

async function inParts(entry: TensorEntry, options: AnalysisOptions, kernels: WasmKernels, order: (n: number) => number[]): Promise<TensorResult> {
  const split = splitPlan(entry, options, PART);
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
    assert.equal(splitPlan(tensor, { ...options, schemes: [...SCHEMES, { kind: 'format', format: 'fp16' }] }, PART), null, 'a named format');
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
