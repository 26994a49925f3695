import { f16ToF32 } from '../../numeric/floats';
import { floatFromBits } from './cfloat';

const BITS_F32 = new Float32Array(1);
const BITS_U32 = new Uint32Array(BITS_F32.buffer);
/** 2^52: adding and subtracting it rounds a non-negative double below 2^52 to an integer, half to even. */
const ROUND_EVEN = 2 ** 52;

/**
 * float32 -> fp16 bits, round to nearest even, overflow to infinity, NaN -> sign | 0x7E00: what
 * ggml's GGML_FP32_TO_FP16 (ggml_compute_fp32_to_fp16) gives, on the float's bits.
 */
export function fp32ToFp16(f: number): number {
  BITS_F32[0] = f;
  const w = BITS_U32[0]!;
  const sign = (w >>> 16) & 0x8000;
  const a = w & 0x7fffffff;
  if (a >= 0x38800000) {
    // 65520 and up round to infinity.
    if (a >= 0x477ff000) return sign | (a > 0x7f800000 ? 0x7e00 : 0x7c00);
    // Rebias the exponent, drop 13 mantissa bits half to even; a carry into the exponent is right.
    return sign | ((a - 0x38000000 + 0xfff + ((a >>> 13) & 1)) >>> 13);
  }
  // Below 2^-14: a subnormal count of 2^-24 (exact in double), rounded; 1024 is the smallest normal.
  return sign | (Math.abs(BITS_F32[0]!) * 2 ** 24 + ROUND_EVEN - ROUND_EVEN);
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
