/**
 * Pass-2 kernel of integer affine quantization: quantize then dequantize one run of values
 * that share a scale and zero point, in float32 arithmetic as torch does on float32 tensors.
 *
 *   v   = f32(x / scale)          (lecture, onnxruntime: division)
 *       | f32(x * f32(1 / scale))  (torch fake_quantize_*: multiplies by the float32 inverse)
 *   q   = clamp(f32(roundHalfEven(v) + zeroPoint), qmin, qmax)
 *   deq = f32(scale * f32(q - zeroPoint))
 *
 * scale 0 (degenerate data) reconstructs x exactly. Non-finite x are copied through.
 */

const f32 = Math.fround;
/** 2^52: see rounding.ts; inlined here because this is the hot loop. */
const ROUND_MAGIC = 2 ** 52;

/**
 * Writes deq[from..to) for x[from..to); returns how many finite values saturated
 * (round(x/scale) + zeroPoint fell outside [qmin, qmax]), i.e. were clipped.
 */
export function affineRoundTripRun(
  x: Float32Array, deq: Float32Array, from: number, to: number,
  scale: number, zeroPoint: number, qmin: number, qmax: number, multiplyByInverse: boolean,
): number {
  if (scale === 0) {
    for (let i = from; i < to; i++) deq[i] = x[i]!;
    return 0;
  }
  const s = f32(scale);
  const inv = f32(1 / s);
  let clipped = 0;
  for (let i = from; i < to; i++) {
    const v = x[i]!;
    if (v - v !== 0) {
      deq[i] = v;
      continue;
    }
    const t = multiplyByInverse ? f32(v * inv) : f32(v / s);
    // Round half to even; |t| >= 2^51 is already an integer (and far outside any q range).
    const r = t >= 0 ? (t < ROUND_MAGIC ? t + ROUND_MAGIC - ROUND_MAGIC : t) : (t > -ROUND_MAGIC ? t - ROUND_MAGIC + ROUND_MAGIC : t);
    let q = f32(r + zeroPoint); // float32 add, as on float32 tensors (matters only for |zeroPoint| > 2^24)
    if (q < qmin) {
      q = qmin;
      clipped++;
    } else if (q > qmax) {
      q = qmax;
      clipped++;
    }
    deq[i] = s * f32(q - zeroPoint);
  }
  return clipped;
}
