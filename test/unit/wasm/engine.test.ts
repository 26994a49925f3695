import * as assert from 'node:assert/strict';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { analyzeTensorFast } from '../../../src/core/analysis/engine/engine';
import { f16ToF32 } from '../../../src/core/numeric/floats';
import type { DType } from '../../../src/shared/vocab/dtypes';
import type { WasmKernels } from '../../../src/core/analysis/engine/wasmKernels';
import type { TensorEntry } from '../../../src/core/tensor';
import type { AnalysisOptions, Scheme, TensorResult } from '../../../src/shared/analysisTypes';
import { noise } from '../worker/fixtures';
import { compiledKernels } from './compiled';
import { assertSame } from './sameResult';

function entryOf(name: string, dtype: DType, shape: number[], values: Float32Array): TensorEntry {
  const numel = values.length;
  return {
    name, dtype, shape, numel, byteLength: numel * 4, source: 'memory',
    data: { blockSize: 1, async read(start, count) { return values.slice(start, start + count); } },
  };
}

/** Random bf16 values (as their float32 decodings), normal-ish with a few specials. */
function bf16Values(n: number, seed: number): Float32Array {
  const x = noise(n, seed, 0.08);
  const bits = new Uint32Array(x.buffer);
  for (let i = 0; i < n; i++) bits[i] = bits[i]! & 0xffff0000;
  x[3] = Number.NaN;
  x[100] = -Infinity;
  x[7] = 0;
  return x;
}

/** Random f16 values decoded the way the readers decode them. */
function f16Values(n: number, seed: number): Float32Array {
  const x = noise(n, seed, 0.08);
  const out = new Float32Array(n);
  const bits = new Uint32Array(x.buffer);
  for (let i = 0; i < n; i++) {
    const b = bits[i]!;
    const sign = (b >>> 16) & 0x8000;
    // Keep the exponent in f16's range (magnitudes from 2^-14 up): an f16 with 10 random mantissa bits.
    const exponent = Math.min(30, Math.max(1, ((b >>> 23) & 0xff) - 127 + 15));
    out[i] = f16ToF32(sign | (exponent << 10) | ((b >>> 13) & 0x3ff));
  }
  out[5] = Number.NaN;
  return out;
}

function f32Values(n: number, seed: number): Float32Array {
  const x = noise(n, seed, 0.05);
  x[1] = Number.NaN;
  x[2] = Infinity;
  x[9] = 0.4; // an outlier, so percentile ranges clip
  x[n - 1] = -0.3;
  return x;
}

const int = (bits: number, mode: 'symmetric' | 'asymmetric', extra: Partial<Scheme & { kind: 'int' }> = {}): Scheme => ({
  kind: 'int', bits, mode, granularity: 'tensor', groupSize: null, axis: 0, range: 'minmax', convention: 'lecture', ...extra,
});

const SCHEMES: Scheme[] = [
  ...[8, 4, 2].flatMap((b) => [int(b, 'symmetric'), int(b, 'asymmetric')]),
  int(8, 'symmetric', { convention: 'torch' }), int(4, 'asymmetric', { convention: 'torch' }),
  int(8, 'symmetric', { convention: 'onnxruntime' }), int(4, 'asymmetric', { convention: 'onnxruntime' }),
  int(4, 'symmetric', { granularity: 'channel' }), int(8, 'asymmetric', { granularity: 'channel' }),
  int(4, 'symmetric', { granularity: 'channel', axis: 1 }),
  int(4, 'asymmetric', { granularity: 'group', groupSize: 32 }),
  int(8, 'symmetric', { granularity: 'group', groupSize: 128, convention: 'torch' }),
  int(2, 'symmetric', { granularity: 'group', groupSize: 8 }),
  int(8, 'symmetric', { range: 'percentile:99.9' }),
];
const OPTIONS: AnalysisOptions = { schemes: SCHEMES, histogramBins: 50 };

describe('fast analysis paths give the reference results', function () {
  this.timeout(300_000);
  let kernels: WasmKernels;
  before(async () => {
    kernels = await compiledKernels();
  });

  // 512 x 600 spans two engine chunks, and channel runs cross the chunk boundary.
  const shape = [512, 600];
  const numel = 512 * 600;
  const cases: Array<[string, DType, () => Float32Array]> = [
    ['F32 with NaN and infinities (WebAssembly streaming, masked kernel)', 'F32', () => f32Values(numel, 11)],
    ['F32, all finite (WebAssembly streaming, unmasked kernel)', 'F32', () => noise(numel, 14, 0.05)],
    ['BF16 (streaming, since per-channel schemes are asked)', 'BF16', () => bf16Values(numel, 12)],
    ['F16', 'F16', () => f16Values(numel, 13)],
  ];
  for (const [label, dtype, make] of cases) {
    it(label, async () => {
      const entry = entryOf('w', dtype, shape, make());
      const expected: TensorResult = await analyzeTensor(entry, OPTIONS);
      assertSame(await analyzeTensorFast(entry, OPTIONS, {}, kernels), expected);
    });
  }

  it('BF16 and F16 per-tensor minmax schemes by distinct-value counts (no WebAssembly needed)', async () => {
    const options: AnalysisOptions = { schemes: SCHEMES.filter((s) => s.kind === 'int' && s.granularity === 'tensor' && s.range === 'minmax'), histogramBins: 64 };
    for (const [dtype, values] of [['BF16', bf16Values(numel, 21)], ['F16', f16Values(numel, 22)]] as const) {
      const entry = entryOf('w', dtype, shape, values);
      assertSame(await analyzeTensorFast(entry, options, {}, null), await analyzeTensor(entry, options));
    }
  });

  it('a BF16-declared tensor whose values are not bf16 falls back to the reference', async () => {
    const entry = entryOf('w', 'BF16', [1000], f32Values(1000, 23));
    const options: AnalysisOptions = { schemes: [int(8, 'symmetric')], histogramBins: 8 };
    assertSame(await analyzeTensorFast(entry, options, {}, null), await analyzeTensor(entry, options));
  });

  it('degenerate tensors: all zero, constant, all NaN, a single element', async () => {
    const options: AnalysisOptions = { schemes: SCHEMES, histogramBins: 10 };
    const tensors: Array<[number[], Float32Array]> = [
      [[4, 100], new Float32Array(400)],
      [[4, 100], new Float32Array(400).fill(0.25)],
      [[4, 100], new Float32Array(400).fill(Number.NaN)],
      [[1, 1], Float32Array.of(-0.5)],
    ];
    for (const [dims, values] of tensors) {
      for (const dtype of ['F32', 'BF16'] as const) {
        const entry = entryOf('w', dtype, dims, values);
        assertSame(await analyzeTensorFast(entry, options, {}, kernels), await analyzeTensor(entry, options), `${dtype} ${values[0]}`);
      }
    }
  });

  it('reports progress up to numel and stops on cancel', async () => {
    const entry = entryOf('w', 'F32', shape, f32Values(numel, 31));
    const seen: number[] = [];
    await analyzeTensorFast(entry, OPTIONS, { onElements: (n) => seen.push(n) }, kernels);
    assert.equal(seen[seen.length - 1], numel);
    assert.ok(seen.every((n, i) => i === 0 || n >= seen[i - 1]!), 'never decreasing');
    const stop = new AbortController();
    const run = analyzeTensorFast(entry, OPTIONS, { signal: stop.signal, onElements: () => stop.abort() }, kernels);
    await assert.rejects(run, { name: 'CancelledError' });
  });
});
