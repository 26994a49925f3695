import { f16ToF32 } from '../../dtypes/floats';
import { f32, floatBits, floatFromBits } from './cfloat';

/** 2^112 and 2^-110: push the value to fp16's exponent range. // ggml-impl.h: ggml_compute_fp32_to_fp16 */
const SCALE_TO_INF = 2 ** 112;
const SCALE_TO_ZERO = 2 ** -110;

/**
 * float32 -> fp16 bits, round to nearest even, NaN -> 0x7E00: ggml's GGML_FP32_TO_FP16, the
 * branch-free bit trick from Maratyszcza/FP16, step by step in float arithmetic.
 */
export function fp32ToFp16(f: number): number {
  let base = f32(f32(Math.abs(f) * SCALE_TO_INF) * SCALE_TO_ZERO);
  const w = floatBits(f);
  const shl1W = (w * 2) >>> 0;
  const sign = (w & 0x80000000) >>> 0;
  let bias = (shl1W & 0xff000000) >>> 0;
  if (bias < 0x71000000) bias = 0x71000000;
  base = f32(floatFromBits(((bias >>> 1) + 0x07800000) >>> 0) + base);
  const bits = floatBits(base);
  const expBits = (bits >>> 13) & 0x00007c00;
  const mantissaBits = bits & 0x00000fff;
  const nonsign = expBits + mantissaBits;
  return ((sign >>> 16) | (shl1W > 0xff000000 ? 0x7e00 : nonsign)) & 0xffff;
}

/** Reads the little-endian fp16 at `offset` as a float: exact, as ggml's GGML_FP16_TO_FP32 is. */
export function readF16(bytes: Uint8Array, offset: number): number {
  return f16ToF32(bytes[offset]! | (bytes[offset + 1]! << 8));
}

/** Writes `value` rounded to fp16 (ggml's rounding) at `offset`, little-endian. */
export function writeF16(bytes: Uint8Array, offset: number, value: number): void {
  const h = fp32ToFp16(value);
  bytes[offset] = h & 0xff;
  bytes[offset + 1] = h >>> 8;
}

/** E8M0 exponent byte -> 2^(e-128) (half the E8M0 value, for the doubled E2M1 table). // ggml-impl.h: ggml_e8m0_to_fp32_half */
export function e8m0ToFp32Half(e: number): number {
  return e < 2 ? floatFromBits(0x00200000 << e) : floatFromBits((e - 1) << 23);
}
