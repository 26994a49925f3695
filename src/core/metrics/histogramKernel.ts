/**
 * Fixed-width histogram kernel. The bin of v is computed in float32 exactly as torch.histc
 * does (so the HistogramObserver and ModelOpt ports bin like torch):
 * // torch: aten/src/ATen/native/cpu/HistogramKernel.cpp, LINEAR_INTERPOLATION
 * bin = trunc(f32(f32(f32(v - lo) * bins) / f32(hi - lo))), the top edge going to the last bin.
 */

const f32 = Math.fround;

/** Flags for `histogramChunk`. */
export const HISTOGRAM_FLAGS = {
  /** Bin |v| instead of v. */
  ABSOLUTE: 1,
  /** Count values outside [lo, hi] in the edge bins (display overlays) instead of dropping them (torch.histc). */
  CLAMP: 2,
} as const;

/**
 * Adds the finite values of x[from..to) to `counts` (counts.length bins over [lo, hi]).
 * When hi <= lo (constant data) every counted value goes to bin 0.
 */
export function histogramChunk(
  x: Float32Array, from: number, to: number, lo: number, hi: number, counts: Float64Array, flags: number,
): void {
  const bins = counts.length;
  const absolute = (flags & HISTOGRAM_FLAGS.ABSOLUTE) !== 0;
  const clamp = (flags & HISTOGRAM_FLAGS.CLAMP) !== 0;
  const left = f32(lo);
  const width = f32(f32(hi) - left);
  for (let i = from; i < to; i++) {
    let v = x[i]!;
    if (v - v !== 0) continue;
    if (absolute) v = Math.abs(v);
    let bin: number;
    if (v < lo || v > hi) {
      if (!clamp) continue;
      bin = v < lo ? 0 : bins - 1;
    } else if (!(width > 0)) {
      bin = 0;
    } else {
      bin = Math.trunc(f32(f32(f32(v - left) * bins) / width));
      if (bin >= bins) bin = bins - 1;
    }
    counts[bin]!++;
  }
}
