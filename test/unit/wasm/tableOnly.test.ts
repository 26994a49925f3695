import * as assert from 'node:assert/strict';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { analyzeTensorFast } from '../../../src/core/analysis/engine/engine';
import type { DType } from '../../../src/shared/vocab/dtypes';
import type { WasmKernels } from '../../../src/core/analysis/engine/wasmKernels';
import type { TensorEntry } from '../../../src/core/tensor';
import type { AnalysisOptions, Scheme, TensorResult } from '../../../src/shared/analysisTypes';
import { noise } from '../worker/fixtures';
import { compiledKernels } from './compiled';
import { assertSame } from './sameResult';

function entryOf(dtype: DType, shape: number[], values: Float32Array): TensorEntry {
  return {
    name: 'w', dtype, shape, numel: values.length, byteLength: values.length * 4, source: 'memory',
    data: { blockSize: 1, async read(start, count) { return values.slice(start, start + count); } },
  };
}

const int = (bits: number, mode: 'symmetric' | 'asymmetric', extra: Partial<Scheme & { kind: 'int' }> = {}): Scheme => ({
  kind: 'int', bits, mode, granularity: 'tensor', groupSize: null, axis: 0, range: 'minmax', convention: 'lecture', ...extra,
});

const SCHEMES: Scheme[] = [
  ...[8, 4, 2].flatMap((b) => [int(b, 'symmetric'), int(b, 'asymmetric')]),
  int(8, 'symmetric', { convention: 'torch' }), int(4, 'asymmetric', { convention: 'onnxruntime' }),
  int(8, 'symmetric', { range: 'percentile:99.9' }),
  int(4, 'symmetric', { granularity: 'channel' }),
  int(4, 'asymmetric', { granularity: 'group', groupSize: 32 }),
];

/** The full result without what tableOnly leaves out: histograms and error percentiles. */
function tableFigures(r: TensorResult): TensorResult {
  const { histogram: _h, ...tensor } = r;
  return {
    ...tensor,
    results: r.results.map(({ histograms: _g, errP50: _a, errP95: _b, errP99: _c, ...rest }) => rest),
  };
}

describe('tableOnly: the Layers table figures without histograms or percentiles', function () {
  this.timeout(300_000);
  let kernels: WasmKernels;
  before(async () => {
    kernels = await compiledKernels();
  });

  // 512 x 600 spans two engine chunks; 601 columns leave a tail that is not a whole vector.
  const cases: Array<[string, DType, number[], () => Float32Array]> = [
    ['F32, all finite (fused per-tensor schemes)', 'F32', [512, 600], () => noise(512 * 600, 41, 0.05)],
    ['F32, odd length (scalar tails of each tile)', 'F32', [3, 601], () => noise(3 * 601, 42, 0.05)],
    ['F32 with NaN (masked kernel, no buckets)', 'F32', [512, 600], () => {
      const x = noise(512 * 600, 43, 0.05);
      x[5] = Number.NaN;
      return x;
    }],
    ['BF16 (distinct-value counts)', 'BF16', [64, 64], () => {
      const x = noise(64 * 64, 44, 0.05);
      const bits = new Uint32Array(x.buffer);
      for (let i = 0; i < bits.length; i++) bits[i] = bits[i]! & 0xffff0000;
      return x;
    }],
  ];
  for (const [label, dtype, shape, make] of cases) {
    it(label, async () => {
      const entry = entryOf(dtype, shape, make());
      const table: AnalysisOptions = { schemes: SCHEMES, histogramBins: 64, tableOnly: true };
      const full = await analyzeTensor(entry, { schemes: SCHEMES, histogramBins: 64 });
      const reference = await analyzeTensor(entry, table);
      assertSame(reference, tableFigures(full));
      const fast = await analyzeTensorFast(entry, table, {}, kernels);
      assertSame(fast, reference);
      assert.equal(fast.histogram, undefined);
      assert.ok(fast.results.every((r) => r.errP50 === undefined && r.histograms === undefined));
    });
  }
});
