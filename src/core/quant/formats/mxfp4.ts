import { FP4_E2M1, floorLog2, roundToMinifloat } from './minifloat';

/**
 * OCP Microscaling MXFP4: blocks of 32 (MX_BLOCK in shared/vocab/namedFormats.ts) along the last
 * axis (a short last block behaves as the spec's zero padding), one E8M0 scale X = 2^(floor(log2(amax)) - 2) per block (2 = emax
 * of E2M1), elements x / X cast to E2M1 with round-to-nearest-even and saturation at ±6.
 * // OCP Microscaling Formats (MX) v1.0, section 6.3
 * ggml's MXFP4 (GGML_TYPES 'MXFP4') differs in rounding; ask for it through its own quantizer.
 */

/** Largest exponent of E2M1 (6 = 1.5 * 2^2). */
const E2M1_EMAX = 2;
/** E8M0 encodes 2^-127 .. 2^127 (0xFF is NaN). */
const E8M0_MIN_EXP = -127;
const E8M0_MAX_EXP = 127;

/** Round trip of one block x[from..to) (amax over finite values); returns the block's scale exponent, or null for an all-zero block. */
export function mxfp4RoundTripBlock(x: Float32Array, deq: Float32Array, from: number, to: number): number | null {
  let amax = 0;
  for (let i = from; i < to; i++) {
    const a = Math.abs(x[i]!);
    if (a > amax && a !== Infinity) amax = a;
  }
  if (amax === 0) {
    for (let i = from; i < to; i++) deq[i] = x[i]!; // finite values are all ±0: exact
    return null;
  }
  const exp = Math.min(E8M0_MAX_EXP, Math.max(E8M0_MIN_EXP, floorLog2(amax) - E2M1_EMAX));
  const scale = 2 ** exp;
  for (let i = from; i < to; i++) {
    const v = x[i]!;
    deq[i] = v - v !== 0 ? v : roundToMinifloat(v / scale, FP4_E2M1) * scale;
  }
  return exp;
}
