import type { Histogram } from '../../shared/analysisTypes';
import { ERROR_BUCKETS, ERROR_BUCKET_SHIFT } from './errorStatsKernel';

/**
 * Reading the signed log-bucket error histogram of errorStatsChunk: bucket b holds the errors
 * whose float32 bits start with the 16 bits b (sign, exponent, 7 mantissa bits).
 */

const SIGN_BUCKET = ERROR_BUCKETS >>> 1;
/** Buckets 0x7f80.. hold infinities and NaN; never filled (non-finite errors are excluded). */
const FINITE_MAGNITUDE_BUCKETS = 0x7f80;

const edgeBits = new Uint32Array(1);
const edgeFloat = new Float32Array(edgeBits.buffer);

/** Smallest magnitude of bucket m (m = bucket without its sign bit). */
function bucketLower(m: number): number {
  edgeBits[0] = m << ERROR_BUCKET_SHIFT;
  return edgeFloat[0]!;
}

/** Magnitude bound of bucket m: the next bucket's lower edge. */
function bucketUpper(m: number): number {
  edgeBits[0] = (m + 1) << ERROR_BUCKET_SHIFT;
  return edgeFloat[0]!;
}

/**
 * Percentiles of |err|, quantize-stats style (quantize-stats.cpp): the upper edge of the
 * first bucket where the cumulative count reaches q * N, capped at the true max |err|.
 * An upper bound within 2^-7 (0.8 %) of the exact percentile; the bucket of zero (and
 * |err| < 2^-133) reports 0.
 */
export function errorPercentiles(errHist: Float64Array, maxAbsErr: number, qs: readonly number[]): number[] {
  let total = 0;
  for (let b = 0; b < ERROR_BUCKETS; b++) total += errHist[b]!;
  const out = qs.map(() => 0);
  if (total === 0) return out;
  let cumulative = 0;
  let next = 0;
  for (let m = 0; m < FINITE_MAGNITUDE_BUCKETS && next < qs.length; m++) {
    cumulative += errHist[m]! + errHist[m + SIGN_BUCKET]!;
    while (next < qs.length && cumulative >= qs[next]! * total) {
      out[next] = m === 0 ? 0 : Math.min(bucketUpper(m), maxAbsErr);
      next++;
    }
  }
  for (; next < qs.length; next++) out[next] = maxAbsErr;
  return out;
}

/**
 * Fixed-width histogram of the signed error over [-maxAbsErr, maxAbsErr], rebuilt from the
 * log buckets: each bucket's count is spread over the bins its interval overlaps, in
 * proportion to the overlap (uniform density inside a bucket), then rounded to integers
 * by largest remainder so the total stays exact.
 */
export function errorDisplayHistogram(errHist: Float64Array, maxAbsErr: number, bins: number): Histogram {
  const counts = new Array<number>(bins).fill(0);
  const half = maxAbsErr;
  if (!(half > 0)) {
    let total = 0;
    for (let b = 0; b < ERROR_BUCKETS; b++) total += errHist[b]!;
    counts[Math.floor(bins / 2)] = total;
    return { min: 0, max: 0, counts };
  }
  const width = (2 * half) / bins;
  for (let m = 0; m < FINITE_MAGNITUDE_BUCKETS; m++) {
    const pos = errHist[m]!;
    const neg = errHist[m + SIGN_BUCKET]!;
    if (pos === 0 && neg === 0) continue;
    const lo = bucketLower(m);
    const hi = Math.min(bucketUpper(m), half);
    if (pos > 0) spread(counts, pos, half + lo, half + Math.max(hi, lo), width);
    if (neg > 0) spread(counts, neg, half - Math.max(hi, lo), half - lo, width);
  }
  return { min: -half, max: half, counts: roundPreservingTotal(counts) };
}

/** Largest-remainder rounding: integer counts with the same (integer) total. */
function roundPreservingTotal(counts: readonly number[]): number[] {
  const floors = counts.map(Math.floor);
  const total = Math.round(counts.reduce((a, b) => a + b, 0));
  let missing = total - floors.reduce((a, b) => a + b, 0);
  const order = counts.map((_, i) => i).sort((a, b) => (counts[b]! - floors[b]!) - (counts[a]! - floors[a]!));
  for (let k = 0; missing > 0 && k < order.length; k++, missing--) floors[order[k]!]!++;
  return floors;
}

/** Adds `count` uniformly over [a, b] (offsets from the histogram's left edge) to the bins it overlaps. */
function spread(counts: number[], count: number, a: number, b: number, width: number): void {
  const last = counts.length - 1;
  const first = Math.min(last, Math.max(0, Math.floor(a / width)));
  const end = Math.min(last, Math.max(0, Math.floor(b / width)));
  if (first === end || !(b > a)) {
    counts[first]! += count;
    return;
  }
  for (let k = first; k <= end; k++) {
    const overlap = Math.min(b, (k + 1) * width) - Math.max(a, k * width);
    if (overlap > 0) counts[k]! += (count * overlap) / (b - a);
  }
}
