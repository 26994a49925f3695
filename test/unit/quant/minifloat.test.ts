import * as assert from 'node:assert/strict';
import { bf16ToF32, F8_E4M3_TABLE, F8_E5M2_TABLE, f16ToF32 } from '../../../src/core/numeric/floats';
import {
  BF16, encodeMinifloat, FP16, FP4_E2M1, FP8_E4M3, FP8_E5M2, minifloatRoundTripRun, roundToMinifloat, type MinifloatSpec,
} from '../../../src/core/quant/formats/minifloat';

function cast(values: number[], spec: MinifloatSpec): number[] {
  const x = Float32Array.from(values);
  const deq = new Float32Array(x.length);
  minifloatRoundTripRun(x, deq, 0, x.length, spec);
  return Array.from(deq);
}

const FP8 = [
  { name: 'E4M3', spec: FP8_E4M3, table: F8_E4M3_TABLE },
  { name: 'E5M2', spec: FP8_E5M2, table: F8_E5M2_TABLE },
] as const;

describe('minifloat casts (RNE, saturating)', () => {
  for (const { name, spec, table } of FP8) {
    it(`FP8 ${name}: every finite code round-trips bit-exactly (encode and kernel), -0 included`, () => {
      for (let code = 0; code < 256; code++) {
        const v = table[code]!;
        if (!Number.isFinite(v)) continue;
        assert.equal(encodeMinifloat(v, spec), code, `code ${code}`);
        assert.ok(Object.is(cast([v], spec)[0], v), `code ${code} value ${v}`);
      }
    });

    it(`FP8 ${name}: midpoints between neighbouring codes go to the even code`, () => {
      for (let code = 0; code < 0x7f; code++) {
        const lo = table[code]!;
        const hi = table[code + 1]!;
        if (!Number.isFinite(hi) || hi > spec.max) continue;
        const mid = (lo + hi) / 2;
        assert.equal(Math.fround(mid), mid, 'midpoints are float32-exact');
        const even = code % 2 === 0 ? lo : hi;
        assert.equal(cast([mid], spec)[0], even, `${lo}..${hi}`);
        assert.equal(cast([-mid], spec)[0], -even);
      }
    });
  }

  it('FP8 E4M3: saturates at ±448 (also ±Infinity), NaN stays NaN, subnormals down to 2^-9', () => {
    assert.deepEqual(cast([448, 464, 500, 1e6, Infinity, -1e6, -Infinity], FP8_E4M3), [448, 448, 448, 448, 448, -448, -448]);
    assert.ok(Number.isNaN(cast([NaN], FP8_E4M3)[0]!));
    assert.equal(encodeMinifloat(NaN, FP8_E4M3), 0x7f);
    // 2^-10 ties between 0 and 2^-9 -> 0; 3 * 2^-10 ties between 2^-9 and 2^-8 -> 2^-8 (code 2, even)
    assert.deepEqual(cast([2 ** -9, 2 ** -10, 3 * 2 ** -10, 1.1 * 2 ** -10, 7 * 2 ** -9], FP8_E4M3), [2 ** -9, 0, 2 ** -8, 2 ** -9, 7 * 2 ** -9]);
    assert.equal(encodeMinifloat(2 ** -9, FP8_E4M3), 0x01);
    assert.equal(encodeMinifloat(448, FP8_E4M3), 0x7e);
    assert.equal(encodeMinifloat(-448, FP8_E4M3), 0xfe);
  });

  it('FP8 E5M2: saturates at ±57344, subnormals down to 2^-16', () => {
    assert.deepEqual(cast([57344, 61440, 1e9, Infinity, -Infinity], FP8_E5M2), [57344, 57344, 57344, 57344, -57344]);
    assert.deepEqual(cast([2 ** -16, 2 ** -17, 3 * 2 ** -17], FP8_E5M2), [2 ** -16, 0, 2 ** -15]);
    assert.equal(encodeMinifloat(57344, FP8_E5M2), 0x7b);
  });

  it('fp16: every finite code round-trips; ties to even; saturates at 65504 instead of overflowing', () => {
    for (let code = 0; code < 65536; code++) {
      const v = f16ToF32(code);
      if (!Number.isFinite(v)) continue;
      assert.equal(encodeMinifloat(v, FP16), code);
      assert.ok(Object.is(cast([v], FP16)[0], v));
    }
    assert.deepEqual(cast([1 + 2 ** -11, 1 + 3 * 2 ** -11, 65519, 65520, 1e10, 2 ** -25, 3 * 2 ** -25], FP16), [1, 1 + 2 ** -9, 65504, 65504, 65504, 0, 2 ** -23]);
  });

  it('bf16: every finite code round-trips; ties to even on the top 16 bits', () => {
    for (let code = 0; code < 65536; code++) {
      const v = bf16ToF32(code);
      if (!Number.isFinite(v)) continue;
      assert.equal(encodeMinifloat(v, BF16), code);
      assert.ok(Object.is(cast([v], BF16)[0], v));
    }
    assert.deepEqual(cast([1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.4e38], BF16), [1, 1 + 2 ** -6, BF16.max]);
  });

  it('the bit-trick kernel agrees with the scalar reference on random float32 bit patterns', () => {
    let seed = 12345;
    const x = new Float32Array(50000);
    const bits = new Uint32Array(x.buffer);
    for (let i = 0; i < x.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      bits[i] = (seed ^ (seed << 7)) >>> 0;
    }
    for (const spec of [FP16, BF16, FP8_E4M3, FP8_E5M2]) {
      const deq = new Float32Array(x.length);
      minifloatRoundTripRun(x, deq, 0, x.length, spec);
      for (let i = 0; i < x.length; i++) {
        const ref = Math.fround(roundToMinifloat(x[i]!, spec));
        assert.ok(Object.is(deq[i], ref) || (Number.isNaN(ref) && Number.isNaN(deq[i]!)), `${x[i]} -> ${deq[i]} vs ${ref}`);
      }
    }
  });

  it('E2M1 (MX element): {0, 0.5, 1, 1.5, 2, 3, 4, 6}, ties to even, saturating at 6', () => {
    const r = (v: number): number => roundToMinifloat(v, FP4_E2M1);
    assert.deepEqual([0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5, 7, 100].map(r), [0, 1, 1, 2, 2, 4, 4, 6, 6]);
    assert.deepEqual([0.5, 1, 1.5, 2, 3, 4, 6].map(r), [0.5, 1, 1.5, 2, 3, 4, 6]);
    assert.ok(Object.is(r(-0.1), -0));
  });
});
