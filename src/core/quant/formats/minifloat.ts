import { roundHalfEven } from '../../numeric/rounding';

/**
 * Narrow floats as casts: round to nearest even, saturating to ±max (the ONNX Cast
 * saturate=1 default; infinities saturate too), subnormals kept, NaN stays NaN.
 */
export interface MinifloatSpec {
  readonly expBits: number;
  readonly manBits: number;
  readonly bias: number;
  /** Largest finite magnitude. */
  readonly max: number;
  /** All-ones exponent means Inf/NaN (IEEE-like); false for the FN formats (only S.1111.111 is NaN). */
  readonly ieee: boolean;
}

/** IEEE binary16. */
export const FP16: MinifloatSpec = { expBits: 5, manBits: 10, bias: 15, max: 65504, ieee: true };
/** bfloat16: float32's exponent, 7 mantissa bits; max 0x7F7F = 3.3895e38. */
export const BF16: MinifloatSpec = { expBits: 8, manBits: 7, bias: 127, max: (2 - 2 ** -7) * 2 ** 127, ieee: true };
/** OCP E4M3 ("FN"): bias 7, max 448 = S.1111.110, no infinities. // onnx docs/technical/float8.md */
export const FP8_E4M3: MinifloatSpec = { expBits: 4, manBits: 3, bias: 7, max: 448, ieee: false };
/** OCP E5M2: bias 15, max 57344, IEEE-like. // onnx docs/technical/float8.md */
export const FP8_E5M2: MinifloatSpec = { expBits: 5, manBits: 2, bias: 15, max: 57344, ieee: true };
/** OCP E2M1 (FP4 element of MX): bias 1, values {0, 0.5, 1, 1.5, 2, 3, 4, 6}, no Inf/NaN. // OCP MX spec v1.0 */
export const FP4_E2M1: MinifloatSpec = { expBits: 2, manBits: 1, bias: 1, max: 6, ieee: false };

const f64 = new Float64Array(1);
const f64Bits = new Uint32Array(f64.buffer);

/** floor(log2(a)) for a finite a > 0 (exact, from the float64 exponent field; float32 values are never float64 subnormals). */
export function floorLog2(a: number): number {
  f64[0] = a;
  return ((f64Bits[1]! >>> 20) & 0x7ff) - 1023;
}

/** Exponent of the smallest normal of a spec. */
function minNormalExp(spec: MinifloatSpec): number {
  return 1 - spec.bias;
}

/** v rounded to the spec (RNE, saturating); exact in float64. */
export function roundToMinifloat(v: number, spec: MinifloatSpec): number {
  if (v !== v) return v;
  const a = Math.abs(v);
  if (a === 0) return v;
  const e = Math.max(floorLog2(Math.min(a, Number.MAX_VALUE)), minNormalExp(spec));
  const step = 2 ** (e - spec.manBits);
  const q = Math.min(roundHalfEven(a / step) * step, spec.max);
  return v < 0 ? -q : q;
}

/** The spec's bit pattern of v (RNE, saturating; NaN as the all-ones code). */
export function encodeMinifloat(v: number, spec: MinifloatSpec): number {
  const signBit = 1 << (spec.expBits + spec.manBits);
  const allOnes = signBit - 1;
  if (v !== v) return spec.ieee ? ((1 << spec.expBits) - 1) << spec.manBits | (1 << (spec.manBits - 1)) : allOnes;
  const q = roundToMinifloat(v, spec);
  const sign = q < 0 || Object.is(q, -0) ? signBit : 0;
  const a = Math.abs(q);
  if (a === 0) return sign;
  const e = floorLog2(a);
  if (e < minNormalExp(spec)) return sign | (a / 2 ** (minNormalExp(spec) - spec.manBits));
  return sign | ((e + spec.bias) << spec.manBits) | (a / 2 ** (e - spec.manBits) - (1 << spec.manBits));
}

const bitsScratch = new Float32Array(1);
const bitsScratchU32 = new Uint32Array(bitsScratch.buffer);

/** The float32 bit pattern of v. */
function float32Bits(v: number): number {
  bitsScratch[0] = v;
  return bitsScratchU32[0]!;
}

/** 2^52: adding it to 0 <= v < 2^51 leaves v rounded half-to-even (see rounding.ts). */
const ROUND_MAGIC = 2 ** 52;

/**
 * Round-trip kernel: deq[i] = cast of x[i] to the spec, for i in [from, to). Works on the
 * float32 bits in place in deq: normal values add half an ulp of the target (ties to even) and
 * truncate; values beyond the largest finite saturate; values below the target's smallest normal
 * round on its fixed subnormal step in float64. NaN stays NaN, ±0 keep their sign.
 */
export function minifloatRoundTripRun(x: Float32Array, deq: Float32Array, from: number, to: number, spec: MinifloatSpec): void {
  deq.set(x.subarray(from, to), from);
  const bits = new Uint32Array(deq.buffer, deq.byteOffset, deq.length);
  const shift = 23 - spec.manBits;
  const half = 2 ** (shift - 1);
  const keep = ~(2 ** shift - 1);
  const minNormalBits = float32Bits(2 ** minNormalExp(spec));
  const maxBits = float32Bits(spec.max);
  const subStep = 2 ** (minNormalExp(spec) - spec.manBits);
  for (let i = from; i < to; i++) {
    const b = bits[i]!;
    const magnitude = b & 0x7fffffff;
    if (magnitude === 0 || magnitude > 0x7f800000) continue; // ±0 and NaN pass through
    const sign = b - magnitude; // 0 or 2^31
    if (magnitude < minNormalBits) {
      const q = (Math.abs(deq[i]!) / subStep + ROUND_MAGIC - ROUND_MAGIC) * subStep;
      deq[i] = sign ? -q : q;
    } else if (magnitude >= maxBits) {
      bits[i] = maxBits + sign; // saturate (infinities too)
    } else {
      const r = (magnitude + half - 1 + ((magnitude >>> shift) & 1)) & keep;
      bits[i] = (r > maxBits ? maxBits : r) + sign;
    }
  }
}
