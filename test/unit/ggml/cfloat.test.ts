import * as assert from 'node:assert/strict';
import { floorLog2f, nearestInt, roundHalfAway, truncToInt8, truncToUint8 } from '../../../src/core/quant/ggml/cfloat';
import { e8m0ToFp32Half, fp32ToFp16 } from '../../../src/core/quant/ggml/fp16';

describe('C float helpers (where ggml uses which rounding)', () => {
  it('nearest_int rounds half to even, roundf half away from zero', () => {
    for (const [x, even, away] of [[0.5, 0, 1], [1.5, 2, 2], [2.5, 2, 3], [-0.5, 0, -1], [-2.5, -2, -3], [3.49, 3, 3], [-3.51, -4, -4]] as const) {
      assert.equal(nearestInt(x), even, `nearest_int(${x})`);
      assert.equal(roundHalfAway(x), away, `roundf(${x})`);
    }
  });

  it('lroundf converted to int keeps the low 32 bits, and is 0 out of range (LONG_MIN)', () => {
    assert.equal(roundHalfAway(2 ** 32 + 512), 512);
    assert.equal(roundHalfAway(-(2 ** 32) - 512), -512);
    assert.equal(roundHalfAway(Infinity), 0);
    assert.equal(roundHalfAway(-Infinity), 0);
    assert.equal(roundHalfAway(NaN), 0);
  });

  it('roundf is exact just below one half (where x + 0.5f would round up in float)', () => {
    const justBelowHalf = Math.fround(0.49999997);
    assert.equal(roundHalfAway(justBelowHalf), 0);
    assert.equal(roundHalfAway(-justBelowHalf), 0);
  });

  it('casts truncate toward zero and wrap like gcc on x86', () => {
    assert.equal(truncToInt8(-0.9), 0);
    assert.equal(truncToInt8(16.9), 16);
    assert.equal(truncToInt8(200), -56);
    assert.equal(truncToUint8(31.99), 31);
    assert.equal(truncToUint8(256.5), 0);
  });

  it('floorf(log2f(x)) keeps log2f\'s rounding just below powers of two', () => {
    assert.equal(floorLog2f(1), 0);
    assert.equal(floorLog2f(Math.fround(0.99999994)), -1);
    const belowTwoTo20 = Math.fround(2 ** 20 * (1 - 2 ** -24));
    assert.equal(floorLog2f(belowTwoTo20), 20, 'log2f rounds 19.99999983 to 20.0f');
  });

  it('fp16 conversion rounds to nearest even and saturates to infinity', () => {
    assert.equal(fp32ToFp16(1 + 2 ** -11), 0x3c00, 'tie between 1 and 1+2^-10 goes to even');
    assert.equal(fp32ToFp16(1 + 3 * 2 ** -11), 0x3c02, 'tie goes to even mantissa 2');
    assert.equal(fp32ToFp16(65520), 0x7c00);
    assert.equal(fp32ToFp16(-0), 0x8000);
    assert.equal(fp32ToFp16(NaN) & 0x7fff, 0x7e00);
    assert.equal(fp32ToFp16(2 ** -25), 0, 'half the smallest subnormal ties to zero');
    assert.equal(fp32ToFp16(3 * 2 ** -26), 1);
  });

  it('E8M0 half: 2^(e - 128), subnormal below e = 2', () => {
    assert.equal(e8m0ToFp32Half(128), 1);
    assert.equal(e8m0ToFp32Half(127), 0.5);
    assert.equal(e8m0ToFp32Half(1), 2 ** -127);
    assert.equal(e8m0ToFp32Half(0), 2 ** -128);
  });
});
