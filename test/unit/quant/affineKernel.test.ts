import * as assert from 'node:assert/strict';
import { affineRoundTripRun } from '../../../src/core/quant/affine/affineKernel';

const f32 = Math.fround;

function roundTrip(values: number[], scale: number, zp: number, qmin: number, qmax: number, byInverse = false): { deq: number[]; clipped: number } {
  const x = Float32Array.from(values);
  const deq = new Float32Array(x.length);
  const clipped = affineRoundTripRun(x, deq, 0, x.length, scale, zp, qmin, qmax, byInverse);
  return { deq: Array.from(deq), clipped };
}

describe('affineRoundTripRun', () => {
  it('ties after division go to even: 0.5, 1.5, 2.5, -0.5, -2.5 with scale 1', () => {
    const { deq } = roundTrip([0.5, 1.5, 2.5, -0.5, -2.5, 3.5], 1, 0, -128, 127);
    assert.deepEqual(deq.map((v) => v + 0), [0, 2, 2, 0, -2, 4]);
  });

  it('adds the zero point after rounding and subtracts it back: q = round(x/s) + zp', () => {
    // s = 0.5, zp = 3: x = 1.25 -> 2.5 -> 2 -> q 5 -> deq 0.5 * 2 = 1; -1.25 -> -2.5 -> -2 -> q 1 -> -1
    const { deq } = roundTrip([1.25, -1.25, 0, -1.75], 0.5, 3, 0, 255);
    assert.deepEqual(deq, [1, -1, 0, -1.5]); // -1.75 -> -3.5 -> -4 -> q -1, clamped to 0 -> -1.5
  });

  it('clamps to [qmin, qmax] and counts the clipped values', () => {
    const { deq, clipped } = roundTrip([-200, -127.4, 126.6, 200], 1, 0, -127, 127);
    assert.deepEqual(deq, [-127, -127, 127, 127]);
    assert.equal(clipped, 2);
  });

  it('deq is float32: scale * (q - zp) rounded once', () => {
    const s = f32(0.1);
    const { deq } = roundTrip([0.3], s, 0, -128, 127);
    assert.equal(deq[0], f32(s * 3));
  });

  it('torch multiplies by f32(1/scale): a value whose x/s is exactly 1.5 lands on 1, not 2 (checked against torch 1.13)', () => {
    const s = 0.0006313928752206266;
    const x = 0.0009470892837271094;
    assert.equal(f32(x / s), 1.5);
    assert.equal(roundTrip([x], s, 0, -128, 127, false).deq[0], f32(2 * s));
    assert.equal(roundTrip([x], s, 0, -128, 127, true).deq[0], f32(1 * s));
  });

  it('scale 0 reconstructs exactly; non-finite values pass through uncounted', () => {
    assert.deepEqual(roundTrip([0.25, -3], 0, 0, -128, 127).deq, [0.25, -3]);
    const { deq, clipped } = roundTrip([NaN, Infinity, -Infinity, 1], 1, 0, -1, 0);
    assert.ok(Number.isNaN(deq[0]));
    assert.deepEqual(deq.slice(1), [Infinity, -Infinity, 0]);
    assert.equal(clipped, 1);
  });

  it('only touches [from, to)', () => {
    const x = Float32Array.from([1.4, 2.6, 3.4]);
    const deq = Float32Array.from([9, 9, 9]);
    affineRoundTripRun(x, deq, 1, 2, 1, 0, -8, 7, false);
    assert.deepEqual(Array.from(deq), [9, 3, 9]);
  });
});
