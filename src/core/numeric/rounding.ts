/** Rounding primitives shared by every quantizer. */

/** 2^52: adding it to |v| < 2^51 leaves an integer rounded half-to-even by the FPU. */
const ROUND_MAGIC = 2 ** 52;

/**
 * Round half to even, as torch.round, numpy.rint and C nearbyint do (JS Math.round rounds
 * half up). Exact for every double.
 */
export function roundHalfEven(v: number): number {
  if (!(Math.abs(v) < ROUND_MAGIC)) return v;
  return v >= 0 ? v + ROUND_MAGIC - ROUND_MAGIC : v - ROUND_MAGIC + ROUND_MAGIC;
}
