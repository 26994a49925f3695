/**
 * C single-precision arithmetic in JS. ggml computes in `float`; JS computes in double, so every
 * intermediate result goes through `f32` (Math.fround). Double rounding of one +, -, *, / or sqrt of
 * two floats is innocuous (53 >= 2*24 + 2 bits), so fround(a op b) equals C's `a op b` exactly.
 */
export const f32 = Math.fround;

const SCRATCH_F32 = new Float32Array(1);
const SCRATCH_I32 = new Int32Array(SCRATCH_F32.buffer);

/** 1.5 * 2^23: adding it leaves the rounded integer in the low mantissa bits. // ggml: nearest_int */
const NEAREST_INT_MAGIC = 12582912;

/** Round half to even through the float mantissa, exactly as ggml's `nearest_int`. // ggml-quants.c */
export function nearestInt(fval: number): number {
  SCRATCH_F32[0] = fval + NEAREST_INT_MAGIC;
  return (SCRATCH_I32[0]! & 0x007fffff) - 0x00400000;
}

/**
 * C `(int)lroundf(x)`: half away from zero (x +- 0.5 is exact in double for a float), keeping the
 * low 32 bits as the conversion to int does; out of range (infinite, NaN) glibc returns LONG_MIN,
 * whose low bits are 0, as `| 0` gives.
 */
export function roundHalfAway(x: number): number {
  return (x < 0 ? x - 0.5 : x + 0.5) | 0;
}

/**
 * C's `(int8_t)roundf(v)` as a byte, given v's sign as 0 / -1 (id >= 0, so it is x's): half away
 * from zero on |v|, then the sign, without a branch on it (random signs mispredict). |v| <= 127
 * unless id overflowed to infinity, where C's conversion and `| 0` both give 0.
 */
export function roundToByte(v: number, sign: number): number {
  return ((((Math.abs(v) + 0.5) | 0) ^ sign) - sign) & 0xff;
}

/** C `(int8_t)f` as gcc on x86 does it: truncate toward zero, keep the low 8 bits, sign-extend. */
export function truncToInt8(x: number): number {
  return (Math.trunc(x) << 24) >> 24;
}

/** C `(uint8_t)f`: truncate toward zero, keep the low 8 bits. */
export function truncToUint8(x: number): number {
  return Math.trunc(x) & 0xff;
}

/** C conversion of an int to `int8_t` (two's complement wrap). */
export function toInt8(i: number): number {
  return (i << 24) >> 24;
}

/** Bits of a float32 as an unsigned 32-bit integer. */
export function floatBits(x: number): number {
  SCRATCH_F32[0] = x;
  return SCRATCH_I32[0]! >>> 0;
}

/** The float32 with the given bit pattern. */
export function floatFromBits(bits: number): number {
  SCRATCH_I32[0] = bits | 0;
  return SCRATCH_F32[0]!;
}

/**
 * C `floorf(log2f(x))` for x > 0. log2f rounds to float before the floor, so just below a power of
 * two (2^k - ulp with |k| >= 4) it yields k, not the exponent k - 1: keep that rounding.
 */
export function floorLog2f(x: number): number {
  return Math.floor(f32(Math.log2(x)));
}

/** Largest finite float32. // float.h: FLT_MAX */
export const FLT_MAX = 3.4028234663852886e38;
