import * as assert from 'node:assert/strict';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { decodeStoredGroup, findStoredGroups } from '../../../src/core/decode/index';
import type { ReadMember } from '../../../src/core/decode/storage';
import { FORMATS } from '../../../src/core/quant/formats/formatTraits';
import { encodeMinifloat, FP4_E2M1 } from '../../../src/core/quant/formats/minifloat';
import { nvfp4BlockScale, nvfp4RoundTripBlock, nvfp4TensorScale } from '../../../src/core/quant/formats/nvfp4';
import { firstFloatMismatch } from '../ggml/fixtures';
import { memoryTensor } from '../analysis/memoryTensor';

const OUT = 8;
const IN = 64;
const BLOCK = 16;

/** Weights with varied block magnitudes, an all-zero block, a -0 and an outlier. */
function weights(): Float32Array {
  const x = new Float32Array(OUT * IN);
  for (let i = 0; i < x.length; i++) x[i] = Math.fround(Math.sin(i * 0.37) * 0.02 * (1 + ((i >> 4) % 5)));
  x.fill(0, 16, 32);
  x[40] = -0;
  x[300] = 0.9;
  return x;
}

/** The round trip of every block, and the stored form ModelOpt writes from it (codes packed low nibble first, FP8 scales, weight_scale_2). */
function quantize(x: Float32Array) {
  const absMax = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const tensorScale = nvfp4TensorScale(absMax);
  const deq = new Float32Array(x.length);
  const scales = new Float32Array(x.length / BLOCK);
  const packed = new Uint8Array(x.length / 2);
  for (let b = 0; b < scales.length; b++) {
    scales[b] = nvfp4RoundTripBlock(x, deq, b * BLOCK, (b + 1) * BLOCK, tensorScale);
    const step = Math.fround(scales[b]! * tensorScale);
    for (let i = b * BLOCK; i < (b + 1) * BLOCK; i++) packed[i >> 1]! |= encodeMinifloat(Math.fround(x[i]! / step), FP4_E2M1) << (i % 2 === 0 ? 0 : 4);
  }
  return { deq, scales, packed, tensorScale };
}

describe('NVFP4 named format (ModelOpt NVFP4QTensor)', () => {
  it('tensor scale amax / (6 * 448) in float32; block scales block_amax / (6 * s2) in FP8 E4M3, 1 for zero blocks', () => {
    assert.equal(nvfp4TensorScale(2688), 1);
    assert.equal(nvfp4TensorScale(1), Math.fround(1 / 2688));
    assert.equal(nvfp4BlockScale(2688, 1), 448);
    assert.equal(nvfp4BlockScale(0, 0.5), 1);
    // 1 / (6 * 0.01) = 16.67 -> E4M3 has 3 mantissa bits: 16 or 18 -> 16
    assert.equal(nvfp4BlockScale(1, 0.01), 16);
  });

  it('quantized here and decoded by core/decode (ModelOpt members): equal bit for bit', async () => {
    const x = weights();
    const { deq, scales, packed, tensorScale } = quantize(x);
    const members: Record<string, { dtype: 'U8' | 'F8_E4M3' | 'F32'; shape: number[]; values: Uint8Array | Float32Array }> = {
      'l.weight': { dtype: 'U8', shape: [OUT, IN / 2], values: packed },
      'l.weight_scale': { dtype: 'F8_E4M3', shape: [OUT, IN / BLOCK], values: scales },
      'l.weight_scale_2': { dtype: 'F32', shape: [], values: Float32Array.of(tensorScale) },
    };
    const summary = { tensors: Object.entries(members).map(([name, m]) => ({ name, dtype: m.dtype, shape: m.shape })) };
    const read: ReadMember = async (name) => members[name]!.values;
    const grouping = await findStoredGroups(summary, read);
    assert.deepEqual(grouping.groups.map((g) => g.storage), ['nvfp4']);
    const decoded = await decodeStoredGroup(grouping.groups[0]!, read);
    const at = firstFloatMismatch(decoded, deq);
    assert.equal(at, -1, `value ${at}: decoded ${decoded[at]}, round trip ${deq[at]}`);
    assert.ok(deq.some((v, i) => v !== x[i]), 'the round trip is lossy');
  });

  it('analyze --format nvfp4: 4.5 bits per weight, the error of the round trip above', async () => {
    assert.equal(FORMATS.nvfp4.bitsPerWeight, 4.5);
    const x = weights();
    const r = await analyzeTensor(memoryTensor([...x], [OUT, IN]), { schemes: [{ kind: 'format', format: 'nvfp4' }], histogramBins: 0 });
    const { deq } = quantize(x);
    let sse = 0;
    x.forEach((v, i) => { sse += (v - deq[i]!) ** 2; });
    assert.ok(Math.abs(r.results[0]!.mse - sse / x.length) <= 1e-15, `${r.results[0]!.mse} vs ${sse / x.length}`);
  });

  it('refuses rows that are not whole blocks of 16', async () => {
    const r = await analyzeTensor(memoryTensor(new Array(2 * 24).fill(0.1), [2, 24]), { schemes: [{ kind: 'format', format: 'nvfp4' }], histogramBins: 0 });
    assert.equal(r.results.length, 0);
    assert.match(JSON.stringify(r), /blocks of 16/);
  });
});
