/**
 * Pass-2 kernel comparing originals with their round trip: the sums behind every error
 * metric, in float64, plus a signed log-bucket histogram of the error for percentiles.
 *
 * Error buckets: the top 16 bits of float32(x - deq), i.e. sign, 8 exponent bits and the
 * top 7 mantissa bits. Each bucket spans 2^-7 (0.8 %) of its magnitude, needs no range
 * known in advance, and costs one shift per value.
 */

/** Layout of the Float64Array that `errorStatsChunk` accumulates into. */
export const ERR = {
  /** Finite originals compared. */
  COUNT: 0,
  SUM_SQ_ERR: 1,
  SUM_SQ_X: 2,
  SUM_SQ_DEQ: 3,
  SUM_X_DEQ: 4,
  MAX_ABS_ERR: 5,
  /** Sum of |x - deq| / (|x| + 1e-10). */
  SUM_REL_ERR: 6,
  /** Finite originals whose reconstruction is not finite (excluded from the sums above). */
  NON_FINITE_DEQ: 7,
  LENGTH: 8,
} as const;

/** Buckets of the error histogram: every 16-bit prefix of a float32. */
export const ERROR_BUCKETS = 65536;
/** Bucket index = float32 bits >>> ERROR_BUCKET_SHIFT. */
export const ERROR_BUCKET_SHIFT = 16;
/** CLI.md: meanRelErrPct = mean(|x - deq| / (|x| + 1e-10)) * 100. */
export const REL_ERR_EPSILON = 1e-10;

let errScratch = new Float32Array(0);
let errScratchBits = new Uint32Array(0);

export function newErrorAccumulator(): Float64Array {
  return new Float64Array(ERR.LENGTH);
}

/**
 * Adds the pairs (x[i], deq[i]), i in [from, to) with x[i] finite, to `acc` (layout ERR) and `errHist`
 * (ERROR_BUCKETS); a null errHist skips the per-value scatter when neither percentiles nor histograms are asked.
 */
export function errorStatsChunk(
  x: Float32Array, deq: Float32Array, from: number, to: number, acc: Float64Array, errHist: Float64Array | null,
): void {
  if (errScratch.length < to - from) {
    errScratch = new Float32Array(to - from);
    errScratchBits = new Uint32Array(errScratch.buffer);
  }
  let count = 0;
  let nonFiniteDeq = 0;
  let sumSqErr = 0;
  let sumSqX = 0;
  let sumSqDeq = 0;
  let sumXDeq = 0;
  let maxAbsErr = acc[ERR.MAX_ABS_ERR]!;
  let sumRel = 0;
  let m = 0;
  for (let i = from; i < to; i++) {
    const v = x[i]!;
    if (v - v !== 0) continue;
    const d = deq[i]!;
    if (d - d !== 0) {
      nonFiniteDeq++;
      continue;
    }
    const e = v - d;
    const a = Math.abs(e);
    count++;
    sumSqErr += e * e;
    sumSqX += v * v;
    sumSqDeq += d * d;
    sumXDeq += v * d;
    if (a > maxAbsErr) maxAbsErr = a;
    sumRel += a / (Math.abs(v) + REL_ERR_EPSILON);
    errScratch[m++] = e;
  }
  if (errHist) for (let j = 0; j < m; j++) errHist[errScratchBits[j]! >>> ERROR_BUCKET_SHIFT]!++;
  acc[ERR.COUNT]! += count;
  acc[ERR.SUM_SQ_ERR]! += sumSqErr;
  acc[ERR.SUM_SQ_X]! += sumSqX;
  acc[ERR.SUM_SQ_DEQ]! += sumSqDeq;
  acc[ERR.SUM_X_DEQ]! += sumXDeq;
  acc[ERR.MAX_ABS_ERR] = maxAbsErr;
  acc[ERR.SUM_REL_ERR]! += sumRel;
  acc[ERR.NON_FINITE_DEQ]! += nonFiniteDeq;
}
