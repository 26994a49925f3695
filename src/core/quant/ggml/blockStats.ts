/** The value of largest magnitude (first one on ties), as ggml's `if (amax < fabsf(v))` loops pick it. */
export function absMaxSigned(x: Float32Array, start: number, n: number): number {
  let amax = 0;
  let max = 0;
  for (let j = start; j < start + n; j++) {
    const v = x[j]!;
    if (amax < Math.abs(v)) {
      amax = Math.abs(v);
      max = v;
    }
  }
  return max;
}

/** Minimum and maximum starting from FLT_MAX / -FLT_MAX. // ggml: quantize_row_q4_1_ref */
export function minMax(x: Float32Array, start: number, n: number): { min: number; max: number } {
  let min = FLT_MAX;
  let max = -FLT_MAX;
  for (let j = start; j < start + n; j++) {
    const v = x[j]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** Largest finite float32. // float.h: FLT_MAX */
export const FLT_MAX = 3.4028234663852886e38;
