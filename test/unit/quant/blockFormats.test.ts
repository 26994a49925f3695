import * as assert from 'node:assert/strict';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { bnb4RoundTripBlock, dequantizeFp4, FP4_MAGNITUDES, NF4_TABLE, quantizeFp4, quantizeNf4 } from '../../../src/core/quant/formats/bnb4';
import { mxfp4RoundTripBlock } from '../../../src/core/quant/formats/mxfp4';
import { FORMATS } from '../../../src/core/quant/formats/formatTraits';
import { GGML_TYPES } from '../../../src/core/quant/ggml';
import { f16ToF32 } from '../../../src/core/numeric/floats';
import { encodeMinifloat, FP16 } from '../../../src/core/quant/formats/minifloat';
import type { FormatResult } from '../../../src/shared/analysisTypes';
import { NAMED_FORMATS } from '../../../src/shared/vocab/namedFormats';
import { memoryTensor } from '../analysis/memoryTensor';

const f32 = Math.fround;

describe('bitsandbytes NF4 / FP4', () => {
  it('NF4 table is bitsandbytes get_4bit_type("nf4")', () => {
    assert.deepEqual(NF4_TABLE, [
      -1, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334,
      -0.09105003625154495, 0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
      0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1,
    ].map(f32));
  });

  it('the NF4 tree maps every table value to its own code and picks the nearest entry elsewhere', () => {
    NF4_TABLE.forEach((v, code) => assert.equal(quantizeNf4(v), code));
    for (let v = -1; v <= 1; v += 1 / 1024) {
      const nearest = NF4_TABLE.reduce((best, t, i) => (Math.abs(v - t) < Math.abs(v - NF4_TABLE[best]!) ? i : best), 0);
      const code = quantizeNf4(f32(v));
      // Off the float32 midpoints (within 1e-6), the tree agrees with nearest-entry search.
      const gap = Math.abs(Math.abs(v - NF4_TABLE[code]!) - Math.abs(v - NF4_TABLE[nearest]!));
      assert.ok(code === nearest || gap < 1e-6, `${v}: ${code} vs ${nearest}`);
    }
  });

  it('NF4 thresholds go to the lower code (the tree compares with >)', () => {
    assert.equal(quantizeNf4(f32(0.03979014977812767)), 0b0111);
    assert.equal(quantizeNf4(f32(0.8614784181118011)), 0b1110);
    assert.equal(quantizeNf4(f32(0.8614785)), 0b1111);
    assert.equal(quantizeNf4(0), 0b0111);
  });

  it('FP4 is bitsandbytes [0, 0.0625, 8, 12, 4, 6, 2, 3] / 12 with a sign bit, not OCP E2M1 order', () => {
    assert.deepEqual(FP4_MAGNITUDES, [0, 0.0625 / 12, 8 / 12, 1, 4 / 12, 6 / 12, 2 / 12, 3 / 12].map((v) => f32(v)).map((v, i) => (i === 1 ? f32(0.005208333333) : v)));
    for (let code = 0; code < 16; code++) {
      if (code === 0b1000) continue; // -0 encodes as +0
      assert.equal(quantizeFp4(dequantizeFp4(code)), code, `code ${code}`);
    }
    assert.deepEqual([0.29, 0.3, 0.9, -0.9, -0.001, 0.003].map(quantizeFp4), [0b0111, 0b0100, 0b0011, 0b1011, 0b1000, 0b0001]);
  });

  it('a block: absmax scales to 1, deq = lut[code] * absmax in float32; zero blocks stay zero', () => {
    const x = Float32Array.from([2, -1, 0.5, 0, -2]);
    const deq = new Float32Array(5);
    assert.equal(bnb4RoundTripBlock(x, deq, 0, 5, 'nf4'), 2);
    // -1/2 = -0.5 -> nearest NF4 -0.5250730514526367; 0.5/2 = 0.25 -> 0.24611230194568634
    assert.deepEqual(Array.from(deq), [2, f32(NF4_TABLE[1 + 1]! * 2), f32(NF4_TABLE[10]! * 2), 0, -2]);
    const zeros = new Float32Array(4);
    const out = Float32Array.from([9, 9, 9, 9]);
    bnb4RoundTripBlock(zeros, out, 0, 4, 'fp4');
    assert.deepEqual(Array.from(out), [0, 0, 0, 0]);
  });

  it('nf4 blocks run over the flattened tensor, 64 values each, the last one short', async () => {
    const values = Array.from({ length: 130 }, (_, i) => (i === 0 ? 10 : i === 64 ? -1 : i === 128 ? 0.5 : 0.01 * ((i % 7) - 3)));
    const r = await analyzeTensor(memoryTensor(values, [10, 13]), { schemes: [{ kind: 'format', format: 'nf4' }], histogramBins: 0 });
    const expected = Float32Array.from(values);
    const deq = new Float32Array(130);
    for (const [a, b] of [[0, 64], [64, 128], [128, 130]] as const) bnb4RoundTripBlock(expected, deq, a, b, 'nf4');
    let sse = 0;
    values.forEach((v, i) => { sse += (f32(v) - deq[i]!) ** 2; });
    assert.ok(Math.abs(r.results[0]!.mse - sse / 130) <= 1e-15);
    assert.equal((r.results[0] as FormatResult).bitsPerWeight, 4.5);
  });
});

describe('MXFP4 (OCP)', () => {
  function block(values: number[]): { deq: number[]; exp: number | null } {
    const x = Float32Array.from(values);
    const deq = new Float32Array(x.length);
    const exp = mxfp4RoundTripBlock(x, deq, 0, x.length);
    return { deq: Array.from(deq), exp };
  }

  it('scale 2^(floor(log2 amax) - 2), elements RNE on E2M1', () => {
    assert.deepEqual(block([6, 3, 0.75, -0.2, 1.25, -5]), { deq: [6, 3, 1, -0, 1, -4], exp: 0 });
  });

  it('amax with a large mantissa saturates at 6 * X (OCP clips rather than bump the scale)', () => {
    assert.deepEqual(block([7.9, 1]), { deq: [6, 1], exp: 0 });
  });

  it('small blocks: amax 0.3 -> X = 2^-4; 0.3 / X = 4.8 -> 4 -> 0.25', () => {
    assert.deepEqual(block([0.3, 0.1, -0.05]), { deq: [0.25, 0.09375, -0.0625], exp: -4 });
  });

  it('all-zero block: exact, no scale', () => {
    assert.deepEqual(block([0, -0, 0]).exp, null);
  });

  it('runs along rows of the last axis, short last block per row', async () => {
    const values = Array.from({ length: 2 * 40 }, (_, i) => (i % 40 === 35 ? 5 : 0.1 * Math.sin(i)));
    const r = await analyzeTensor(memoryTensor(values, [2, 40]), { schemes: [{ kind: 'format', format: 'mxfp4' }], histogramBins: 0 });
    const x = Float32Array.from(values);
    const deq = new Float32Array(80);
    for (const [a, b] of [[0, 32], [32, 40], [40, 72], [72, 80]] as const) mxfp4RoundTripBlock(x, deq, a, b);
    let sse = 0;
    x.forEach((v, i) => { sse += (v - deq[i]!) ** 2; });
    assert.ok(Math.abs(r.results[0]!.mse - sse / 80) <= 1e-15);
  });
});

describe('ggml formats through GGML_TYPES', () => {
  it('bitsPerWeight matches every registered ggml type (typeSize * 8 / blockSize)', () => {
    for (const f of NAMED_FORMATS) {
      const family = FORMATS[f].family;
      if (family.kind !== 'ggml') continue;
      const t = GGML_TYPES.get(family.type)!;
      assert.equal(FORMATS[f].bitsPerWeight, (t.typeSize * 8) / t.blockSize, f);
      assert.ok(t.quantize, `${f} has a reference quantizer`);
    }
    assert.equal(FORMATS.q4_k.bitsPerWeight, 4.5);
    assert.equal(FORMATS.q8_0.bitsPerWeight, 8.5);
    assert.equal(FORMATS.nf4.bitsPerWeight, 4.5);
    assert.equal(FORMATS.mxfp4.bitsPerWeight, 4.25);
  });

  it('q8_0 error equals the hand formula: d = fp16(amax / 127), q = roundf(x / d)', async () => {
    const values = Array.from({ length: 64 }, (_, i) => Math.sin(i * 0.37) * (i === 5 ? 3 : 1));
    const r = await analyzeTensor(memoryTensor(values, [2, 32]), { schemes: [{ kind: 'format', format: 'q8_0' }], histogramBins: 0 });
    const x = Float32Array.from(values);
    let sse = 0;
    for (let b = 0; b < 2; b++) {
      const row = x.subarray(32 * b, 32 * b + 32);
      const amax = row.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const d = f32(amax / 127);
      const id = d ? f32(1 / d) : 0;
      const dh = f16ToF32(encodeMinifloat(d, FP16));
      for (const v of row) {
        const q = Math.sign(f32(v * id)) * Math.floor(Math.abs(f32(v * id)) + 0.5); // roundf: half away from zero
        sse += (v - f32(q * dh)) ** 2;
      }
    }
    assert.ok(Math.abs(r.results[0]!.mse - sse / 64) <= 1e-12 * (sse / 64));
  });

  it('rows that are not whole blocks: not applicable, with the reason; casts and nf4 still run', async () => {
    const r = await analyzeTensor(memoryTensor(new Array(300).fill(0.5), [3, 100]), {
      schemes: [{ kind: 'format', format: 'q4_k' }, { kind: 'format', format: 'fp16' }, { kind: 'format', format: 'nf4' }],
      histogramBins: 0,
    });
    assert.deepEqual(r.results.map((x) => (x as FormatResult).format), ['fp16', 'nf4']);
    assert.match(r.notApplicable![0]!.reason, /blocks of 256; rows of 100/);
  });
});

describe('reconstructions that overflow', () => {
  it('are excluded from the metrics and counted in nonFiniteOutputs (q8_0 scale beyond fp16)', async () => {
    const values = Array.from({ length: 64 }, (_, i) => (i < 32 ? 1e10 * ((i % 3) - 1) : Math.sin(i)));
    const r = await analyzeTensor(memoryTensor(values, [2, 32]), { schemes: [{ kind: 'format', format: 'q8_0' }, { kind: 'format', format: 'fp16' }], histogramBins: 4 });
    const [q8, fp16] = r.results;
    assert.ok(q8!.nonFiniteOutputs! > 0, JSON.stringify(q8));
    assert.ok(Number.isFinite(q8!.mse));
    assert.equal(fp16!.nonFiniteOutputs, undefined); // fp16 saturates instead
  });
});
