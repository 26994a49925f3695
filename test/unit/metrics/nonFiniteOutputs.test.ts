import * as assert from 'node:assert/strict';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { analyzeTensorFast } from '../../../src/core/analysis/engine/engine';
import type { WasmKernels } from '../../../src/core/analysis/engine/wasmKernels';
import type { DType } from '../../../src/shared/vocab/dtypes';
import type { AnalysisOptions, Scheme } from '../../../src/shared/analysisTypes';
import { compiledKernels } from '../wasm/compiled';
import { assertSame } from '../wasm/sameResult';
import { memoryTensor } from '../analysis/memoryTensor';

const int = (bits: number, mode: 'symmetric' | 'asymmetric'): Scheme => ({
  kind: 'int', bits, mode, granularity: 'tensor', groupSize: null, axis: 0, range: 'minmax', convention: 'lecture',
});

/** Every 16-bit pattern of a half-width float, widened to float32: NaNs, infinities and the largest finite values included. */
function everyPattern(dtype: 'BF16' | 'F16'): Float32Array {
  const out = new Float32Array(65536);
  const bits = new Uint32Array(out.buffer);
  for (let h = 0; h < 65536; h++) {
    if (dtype === 'BF16') bits[h] = h << 16;
    else out[h] = halfToFloat(h);
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

describe('nonFiniteOutputs: finite values whose reconstruction overflows, the same on every path', function () {
  this.timeout(120_000);
  let kernels: WasmKernels;
  before(async () => {
    kernels = await compiledKernels();
  });

  // Asymmetric int8 over [-max, max] of BF16: scale * (qmax - zeroPoint) passes float32's largest value.
  const options: AnalysisOptions = { schemes: [int(8, 'asymmetric'), int(8, 'symmetric'), int(4, 'asymmetric')], histogramBins: 16 };
  for (const dtype of ['BF16', 'F16'] as const) {
    for (const [label, opts] of [['with histograms', options], ['table only', { ...options, tableOnly: true }]] as const) {
      it(`${dtype}, every 16-bit pattern, ${label}: value counts and the SIMD kernels report what the reference reports`, async () => {
        const entry = memoryTensor(everyPattern(dtype), [256, 256], { dtype: dtype as DType });
        const reference = await analyzeTensor(entry, opts);
        if (dtype === 'BF16') assert.ok(reference.results[0]!.nonFiniteOutputs! > 0, 'BF16 int8 asymmetric overflows somewhere');
        assertSame(await analyzeTensorFast(entry, opts, {}, null), reference, 'value counts');
        assertSame(await analyzeTensorFast(entry, opts, {}, kernels), reference, 'kernels');
        // As float32 storage: the streaming SIMD path (no value counts). Only the counts are compared:
        // the sums over values near +-3.4e38 cancel, so their mean is rounding noise on every path.
        const asF32 = memoryTensor(everyPattern(dtype), [256, 256]);
        const streamed = await analyzeTensorFast(asF32, opts, {}, kernels);
        const expected = await analyzeTensor(asF32, opts);
        expected.results.forEach((r, i) => {
          assert.equal(streamed.results[i]!.nonFiniteOutputs, r.nonFiniteOutputs, `F32 kernels, scheme ${i}`);
        });
      });
    }
  }
});
