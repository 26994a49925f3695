/**
 * bitsandbytes 4-bit blockwise formats (NF4, FP4) without double quantization: blocks of 64
 * (BNB4_BLOCK in shared/vocab/namedFormats.ts) over the flattened tensor (the last block may be
 * short), absmax stored as float32.
 * // bitsandbytes: csrc/kernels.cu kQuantizeBlockwise, dQuantizeNF4, dQuantizeFP4, kDequantizeBlockwise
 *   inv = f32(1 / absmax); code = tree(f32(x * inv)); deq = f32(lut[code] * absmax)
 * The trees compare with `>` against float32 midpoints, so a value exactly on a threshold
 * takes the lower code. Non-finite values do not count towards absmax (they are excluded
 * from every metric).
 */

const f32 = Math.fround;

/** bitsandbytes: csrc/kernels.cu nf4_dequantization_lut (functional.py get_4bit_type('nf4')). */
export const NF4_TABLE: readonly number[] = [
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
  -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
  0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
  0.7229568362236023, 1.0,
].map(f32);

/** bitsandbytes: csrc/kernels.cu fp4_dequantization_lut, indexed by the 3 magnitude bits; bit 3 is the sign. */
export const FP4_MAGNITUDES: readonly number[] = [
  0.0, 0.005208333333, 0.66666667, 1.0, 0.33333333, 0.5, 0.16666667, 0.25,
].map(f32);

/** bitsandbytes: dQuantizeNF4 decision tree (thresholds are float literals). */
const NF4_T = [
  0.03979014977812767, 0.3893125355243683, 0.6427869200706482, 0.8614784181118011, 0.5016634166240692,
  0.2035212516784668, 0.2920137718319893, 0.1202552504837513, -0.33967943489551544, -0.13791173323988914,
  -0.045525018125772476, -0.23460740596055984, -0.6106329262256622, -0.4599952697753906, -0.8480964004993439,
].map(f32) as [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];

export function quantizeNf4(x: number): number {
  const t = NF4_T;
  if (x > t[0]) {
    if (x > t[1]) {
      if (x > t[2]) return x > t[3] ? 0b1111 : 0b1110;
      return x > t[4] ? 0b1101 : 0b1100;
    }
    if (x > t[5]) return x > t[6] ? 0b1011 : 0b1010;
    return x > t[7] ? 0b1001 : 0b1000;
  }
  if (x > t[8]) {
    if (x > t[9]) return x > t[10] ? 0b0111 : 0b0110;
    return x > t[11] ? 0b0101 : 0b0100;
  }
  if (x > t[12]) return x > t[13] ? 0b0011 : 0b0010;
  return x > t[14] ? 0b0001 : 0b0000;
}

/** bitsandbytes: dQuantizeFP4 decision tree. */
const FP4_T = [0.29166667, 0.583333, 0.8333333, 0.4166667, 0.0859375, 0.20833333, 0.00260417].map(f32) as [number, number, number, number, number, number, number];

export function quantizeFp4(x: number): number {
  const sign = x < 0 ? 0b1000 : 0;
  const a = Math.abs(x);
  const t = FP4_T;
  if (a > t[0]) {
    if (a > t[1]) return (a > t[2] ? 0b0011 : 0b0010) + sign;
    return (a > t[3] ? 0b0101 : 0b0100) + sign;
  }
  if (a > t[4]) return (a > t[5] ? 0b0111 : 0b0110) + sign;
  return (a > t[6] ? 0b0001 : 0b0000) + sign;
}

export function dequantizeFp4(code: number): number {
  const m = FP4_MAGNITUDES[code & 0b111]!;
  return code & 0b1000 ? -m : m;
}

export type Bnb4Kind = 'nf4' | 'fp4';

/**
 * Round trip of x[from..to), one block of bitsandbytes 4-bit (absmax over the block's finite
 * values); returns the block's absmax. A zero block gives inv = Infinity, 0 * inv = NaN,
 * which both trees send to a zero-magnitude level times absmax 0: exact zeros, as on the GPU.
 */
export function bnb4RoundTripBlock(x: Float32Array, deq: Float32Array, from: number, to: number, kind: Bnb4Kind): number {
  let absMax = 0;
  for (let i = from; i < to; i++) {
    const a = Math.abs(x[i]!);
    if (a > absMax && a !== Infinity) absMax = a;
  }
  const inv = f32(1 / absMax);
  for (let i = from; i < to; i++) {
    const v = x[i]!;
    if (v - v !== 0) {
      deq[i] = v;
      continue;
    }
    const n = f32(v * inv);
    deq[i] = kind === 'nf4' ? NF4_TABLE[quantizeNf4(n)]! * absMax : dequantizeFp4(quantizeFp4(n)) * absMax;
  }
  return absMax;
}
