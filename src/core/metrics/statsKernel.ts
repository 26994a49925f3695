/**
 * Pass-1 kernels: tensor statistics and finite min/max of a run. Pure, allocation-free,
 * flat typed-array accumulators, so a WebAssembly version can be tested against these.
 */

/** Layout of the Float64Array that `statsChunk` accumulates into. */
export const STATS = {
  /** Finite values seen. */
  COUNT: 0,
  /** NaN and infinities seen. */
  NON_FINITE: 1,
  MIN: 2,
  MAX: 3,
  /** Running mean of the finite values. */
  MEAN: 4,
  /** Running sum of squared deviations from the mean (Chan et al. merge, stable for large means). */
  M2: 5,
  LENGTH: 6,
} as const;

export function newStatsAccumulator(): Float64Array {
  const acc = new Float64Array(STATS.LENGTH);
  acc[STATS.MIN] = Infinity;
  acc[STATS.MAX] = -Infinity;
  return acc;
}

/** Adds x[0..n) to `acc` (layout STATS): count, non-finite count, min, max, mean, M2. */
export function statsChunk(x: Float32Array, n: number, acc: Float64Array): void {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v - v !== 0) continue; // NaN or infinity
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  acc[STATS.NON_FINITE]! += n - count;
  if (count === 0) return;
  const mean = sum / count;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v - v !== 0) continue;
    const d = v - mean;
    m2 += d * d;
  }
  addMoments(acc, count, mean, m2, min, max);
}

/** Adds the accumulator `other` (layout STATS, e.g. another part of the tensor) to `acc`. */
export function mergeStats(acc: Float64Array, other: Float64Array): void {
  acc[STATS.NON_FINITE]! += other[STATS.NON_FINITE]!;
  const count = other[STATS.COUNT]!;
  if (count > 0) addMoments(acc, count, other[STATS.MEAN]!, other[STATS.M2]!, other[STATS.MIN]!, other[STATS.MAX]!);
}

/** Folds count finite values with this mean, M2, min and max into `acc` (Chan et al.'s merge). */
function addMoments(acc: Float64Array, count: number, mean: number, m2: number, min: number, max: number): void {
  const before = acc[STATS.COUNT]!;
  const total = before + count;
  if (before === 0) {
    acc[STATS.MEAN] = mean;
    acc[STATS.M2] = m2;
  } else {
    const delta = mean - acc[STATS.MEAN]!;
    acc[STATS.MEAN] = acc[STATS.MEAN]! + (delta * count) / total;
    acc[STATS.M2] = acc[STATS.M2]! + m2 + (delta * delta * before * count) / total;
  }
  acc[STATS.COUNT] = total;
  if (min < acc[STATS.MIN]!) acc[STATS.MIN] = min;
  if (max > acc[STATS.MAX]!) acc[STATS.MAX] = max;
}

/**
 * Folds the finite min and max of x[from..to) into out[outIndex] (min) and out[outIndex + 1] (max).
 * Used per channel (pass 1) and per group (pass 2).
 */
export function minMaxRun(x: Float32Array, from: number, to: number, out: Float64Array, outIndex: number): void {
  let min = out[outIndex]!;
  let max = out[outIndex + 1]!;
  for (let i = from; i < to; i++) {
    const v = x[i]!;
    if (v - v !== 0) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  out[outIndex] = min;
  out[outIndex + 1] = max;
}
