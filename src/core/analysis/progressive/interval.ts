/**
 * Confidence intervals of figures estimated from n sampled units out of N (equal-size units, each
 * unit's own figure known): a mean's interval from the units' sample variance, and the delta method
 * for SQNR's log ratio of sums. Finite-population corrected, so a
 * sample of every unit has a zero-width interval.
 */

/** Two-sided 97.5 % quantiles of Student's t by degrees of freedom 1..30; above 30 the normal's 1.96 plus a 2.4/df correction is within 0.002. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
] as const;

/** t quantile for a 95 % two-sided interval with `df` degrees of freedom (df >= 1). */
export function t95(df: number): number {
  return df <= T_975.length ? T_975[df - 1]! : 1.96 + 2.4 / df;
}

/** Half-width of the 95 % interval of a mean from the n values of `v`, out of `total` units. */
export function meanHalfWidth(v: readonly number[], total: number): number {
  const n = v.length;
  if (n < 2 || n >= total) return 0;
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return t95(n - 1) * Math.sqrt((variance / n) * (1 - n / total));
}

/**
 * Half-width of ln(mean(signal) / mean(noise)): by the delta method its variance is that of
 * signal_i/mean(signal) - noise_i/mean(noise), over n.
 */
export function logRatioHalfWidth(signal: readonly number[], noise: readonly number[], total: number): number {
  const s = average(signal);
  const e = average(noise);
  if (s === 0 || e === 0) return 0;
  return meanHalfWidth(signal.map((x, i) => x / s - noise[i]! / e), total);
}

function average(v: readonly number[]): number {
  return v.length === 0 ? 0 : v.reduce((s, x) => s + x, 0) / v.length;
}
