import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { candidateName, type Candidate } from '../../../src/core/plan/costModel';
import { INT_CONVENTIONS, toModelFloat, type IntConventionName, type ModelFloat } from '../../../src/core/plan/intConventions';
import { BF16, FP16, roundToMinifloat } from '../../../src/core/quant/formats/minifloat';
import { PLAN_TARGETS, PLAN_TARGET_NAMES } from '../../../src/core/plan/targets';
import { xorshiftUniform } from '../helpers/xorshift';
import { PLAN_FIXTURES } from './expectedPlans';

/** The convention's dequantized values of x, in runs of `group` values, each with its own finite range. */
function roundTrip(convention: IntConventionName, bits: number, asymmetric: boolean, model: ModelFloat, group: number, values: readonly number[]): number[] {
  const x = Float32Array.from(values);
  const deq = new Float32Array(x.length);
  for (let from = 0; from < x.length; from += group) {
    const run = [...x.subarray(from, from + group)].filter(Number.isFinite);
    INT_CONVENTIONS[convention].roundTrip({ x, deq, from, to: from + group, min: Math.min(...run), max: Math.max(...run) }, bits, asymmetric, model);
  }
  return [...deq];
}

interface FixtureCase {
  convention: IntConventionName;
  bits: number;
  asymmetric: boolean;
  model: ModelFloat;
  group: number;
  x: number[];
  deq: number[];
}

describe('plan int candidates: each tool\'s own round trip', () => {
  it('equals the tools\' torch / numpy arithmetic value for value (scripts/fixtures/fixtures_int_conventions.py), in float32, bf16 and f16 models', () => {
    const { cases } = JSON.parse(readFileSync(path.join(PLAN_FIXTURES, 'int_conventions.json'), 'utf8')) as { cases: FixtureCase[] };
    assert.equal(cases.length, 20);
    for (const c of cases) {
      const got = roundTrip(c.convention, c.bits, c.asymmetric, c.model, c.group, c.x);
      const label = `${c.convention} int${c.bits}${c.asymmetric ? ' asym' : ''} ${c.model}`;
      const wrong = got.findIndex((v, i) => v !== c.deq[i]);
      assert.equal(wrong, -1, `${label}: value ${wrong}: ${c.x[wrong]} -> ${got[wrong]}, the tool gives ${c.deq[wrong]}`);
      // the quantization is not the identity: the fixture would not catch a copy
      assert.ok(got.some((v, i) => v !== c.x[i]), label);
    }
  });

  it('rounds to bf16 and f16 by bit pattern exactly as the reference minifloat cast: random float32 patterns, ties, f16 subnormals', () => {
    const random = xorshiftUniform(20261205);
    const bits = new Uint32Array(1);
    const value = new Float32Array(bits.buffer);
    const values = [1 + 2 ** -8, 1 + 3 * 2 ** -8, -(1 + 2 ** -11), 1 + 3 * 2 ** -11, 2 ** -25, 3 * 2 ** -25, 2 ** -14 - 2 ** -25, 0, -0];
    for (let i = 0; i < 200_000; i++) {
      bits[0] = Math.floor(random() * 2 ** 32);
      if (Number.isFinite(value[0]!) && Math.abs(value[0]!) < 65000) values.push(value[0]!);
    }
    for (const v of values) {
      assert.equal(toModelFloat(v, 'BF16'), roundToMinifloat(v, BF16), `bf16 of ${v}`);
      assert.equal(toModelFloat(v, 'F16'), roundToMinifloat(v, FP16), `f16 of ${v}`);
    }
    assert.ok(values.length > 100_000);
  });

  it('MatMulNBits rounds half away from zero (roundf); the symmetric scale is the largest-magnitude value / -8', () => {
    // asymmetric: range [-1.5, 2.25], scale 3.75 / 15 = 0.25, zp = roundf(1.5 / 0.25) = 6; 0.125 -> 0.5 + 6 = 6.5 -> 7
    assert.deepEqual(roundTrip('matmulnbits', 4, true, 'F32', 6, [-1.5, 2.25, 0.125, -0.375, 1.1, 0]), [-1.5, 2.25, 0.25, -0.25, 1, 0]);
    // symmetric: the largest magnitude is -2: scale 0.25, zp 8; 0.625 -> 2.5 + 8 = 10.5 -> 11 -> 0.75; 1.9 -> 15.6 -> 16, clamped to 15 -> 1.75
    assert.deepEqual(roundTrip('matmulnbits', 4, false, 'F32', 4, [-2, 0.625, 1.9, 0]), [-2, 0.75, 1.75, 0]);
    // the largest magnitude positive: scale -0.25, so 2 -> code 0 -> (0 - 8) * -0.25 = 2, and -2 cannot be reached (-1.75)
    assert.deepEqual(roundTrip('matmulnbits', 4, false, 'F32', 3, [2, -1, -1.9]), [2, -1, -1.75]);
  });

  it('QDQ int8: scale 2 absmax / 254, numpy rint (half to even), an all-zero channel exact', () => {
    // absmax 127/64: scale 1/64; 1.5/64 -> 1.5 -> 2; 2.5/64 -> 2.5 -> 2 (roundf would give 3)
    assert.deepEqual(roundTrip('qdq', 8, false, 'F32', 4, [-127 / 64, 0.5, 1.5 / 64, 2.5 / 64]), [-127 / 64, 0.5, 2 / 64, 2 / 64]);
    assert.deepEqual(roundTrip('qdq', 8, false, 'F32', 2, [0, 0]), [0, 0]);
  });

  it('torchao int4: (max - min) / 15, a float zero min + 8 scale, no widening to 0; stored scale and zero rounded to bf16', () => {
    // [-1, 2.75]: scale 0.25, zero 1; 0.125 -> 4.5 -> 4 (half to even) -> (4 - 8) 0.25 + 1 = 0; 0.375 -> 5.5 -> 6 -> 0.5
    assert.deepEqual(roundTrip('tinygemm', 4, true, 'F32', 5, [-1, 2.75, 0.125, 0.375, 1]), [-1, 2.75, 0, 0.5, 1]);
    // [-1, 2]: scale f32(0.2), zero f32(0.6); in bf16 0.2001953125 and 0.6015625: 0.5 -> (1.5 / 0.2 = 7.5) -> 8 -> the zero itself
    const f32Zero = Math.fround(-1 + Math.fround(8 * Math.fround(0.2)));
    assert.equal(roundTrip('tinygemm', 4, true, 'F32', 3, [-1, 2, 0.5])[2], f32Zero);
    assert.equal(roundTrip('tinygemm', 4, true, 'BF16', 3, [-1, 2, 0.5])[2], 0.6015625);
  });

  it('ModelOpt: amax / 7 (int4) or / 127 (int8) in float32, clamp to [-8, 7]: a negative amax reaches -8 only by rounding', () => {
    // amax 1.75: scale 0.25; -1.75 -> -7; 0.875 -> 3.5 -> 4 (half to even)
    assert.deepEqual(roundTrip('modelopt', 4, false, 'F32', 3, [-1.75, 0.875, 0.625]), [-1.75, 1, 0.5]);
    assert.deepEqual(roundTrip('modelopt', 8, false, 'F32', 2, [1.27, 0]), [Math.fround(Math.fround(Math.fround(1.27) / 127) * 127), 0]);
  });

  it('compressed-tensors: symmetric absmax / 7.5 reaching -8; asymmetric zero point from the widened range; computed in the model dtype', () => {
    // absmax 1.875: scale 0.25; -1.875 -> -7.5 -> -8 (half to even) -> -2; 1.875 -> 7.5 -> clamped to 7 -> 1.75
    assert.deepEqual(roundTrip('compressed-tensors', 4, false, 'F32', 3, [-1.875, 1.875, 0.3125]), [-2, 1.75, 0.25]);
    // asymmetric [0.5, 4.25] widened to [0, 4.25]: scale 4.25 / 15 (f32), zp = round(-8 - 0) = -8: 0 is exact
    const asym = roundTrip('compressed-tensors', 4, true, 'F32', 3, [0.5, 4.25, 0]);
    assert.equal(asym[2], 0);
    // int8 per channel in bf16: scale bf16(1 / 127.5) and x / scale rounded to bf16 before the integer rounding
    const bf16 = roundTrip('compressed-tensors', 8, false, 'BF16', 2, [1, 0.3]);
    const f32 = roundTrip('compressed-tensors', 8, false, 'F32', 2, [1, 0.3]);
    assert.notDeepEqual(bf16, f32);
  });

  it('torchao int8: absmax / 127.5, multiplied by the inverse scale, range [-128, 127]', () => {
    // absmax 127.5 / 64: scale 1/64; 63.5 / 64 -> 63.5 -> 64 (half to even); -127.5/64 -> -127.5 -> -128
    assert.deepEqual(roundTrip('torchao-int8', 8, false, 'F32', 3, [127.5 / 64, 63.5 / 64, -127.5 / 64]), [128 / 64 - 1 / 64, 1, -2]);
  });

  it('every target\'s int candidate names a convention that supports its width and zero point', () => {
    let checked = 0;
    for (const name of PLAN_TARGET_NAMES) {
      for (const c of PLAN_TARGETS[name].candidates) {
        if (c.kind !== 'int') continue;
        const asymmetric = c.zero === 'packed' || c.zero === 'scale';
        assert.ok(INT_CONVENTIONS[c.convention].supports(c.bits, asymmetric), `${name} ${candidateName(c)}: ${c.convention}`);
        checked++;
      }
    }
    assert.ok(checked >= 18, `${checked}`);
    const ort = (text: string): Candidate => PLAN_TARGETS.onnxruntime.parseCandidate(text);
    assert.deepEqual([ort('int4_g128_asym'), ort('int8_ch')].map((c) => c.kind === 'int' && c.convention), ['matmulnbits', 'qdq']);
  });
});
