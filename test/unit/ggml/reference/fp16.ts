/**
 * ggml's float32 -> fp16 as ggml_compute_fp32_to_fp16 writes it: the branch-free trick from
 * Maratyszcza/FP16, step by step in float arithmetic. The reference for the integer version.
 */
import { f32, floatBits, floatFromBits } from '../../../../src/core/quant/ggml/cfloat';

/** 2^112 and 2^-110: push the value to fp16's exponent range. // ggml-impl.h: ggml_compute_fp32_to_fp16 */
const SCALE_TO_INF = 2 ** 112;
const SCALE_TO_ZERO = 2 ** -110;

/**
 * float32 -> fp16 bits, round to nearest even, NaN -> 0x7E00: ggml's GGML_FP32_TO_FP16, the
 * branch-free bit trick from Maratyszcza/FP16, step by step in float arithmetic.
 */
export function fp32ToFp16Reference(f: number): number {
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
