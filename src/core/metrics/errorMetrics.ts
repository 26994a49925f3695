import type { ErrorMetrics } from '../../shared/analysisTypes';
import { ERR } from './errorStatsKernel';
import { errorPercentiles } from './errorBuckets';

/** Error percentiles reported, as fractions. */
const ERROR_QUANTILES = [0.5, 0.95, 0.99] as const;

/**
 * ErrorMetrics from an ERR accumulator and its error buckets (CLI.md formulas):
 * mse = Σe²/N, rmse = √mse, meanRelErrPct = 100·Σ(|e|/(|x|+1e-10))/N,
 * sqnrDb = 10·log10(Σx²/Σe²) (null when Σe² = 0, i.e. exact; also null in the impossible
 * case of an all-zero signal with non-zero error, since JSON holds no -Infinity),
 * cosine = Σx·deq / (‖x‖‖deq‖) (1 when both are all zero, 0 when only one is).
 * With no finite values every figure is 0 and sqnrDb null. The percentiles come from the error
 * buckets, when they were counted (null: the table's figures only). nonFiniteOutputs (finite x
 * whose deq overflowed, left out of every sum) is reported when there are any, by every path alike.
 */
export function finishErrorMetrics(acc: Float64Array, errHist: Float64Array | null): ErrorMetrics {
  const n = acc[ERR.COUNT]!;
  const sumSqErr = acc[ERR.SUM_SQ_ERR]!;
  const sumSqX = acc[ERR.SUM_SQ_X]!;
  const sumSqDeq = acc[ERR.SUM_SQ_DEQ]!;
  const maxAbsErr = acc[ERR.MAX_ABS_ERR]!;
  const mse = n > 0 ? sumSqErr / n : 0;
  const metrics = {
    mse,
    rmse: Math.sqrt(mse),
    maxAbsErr,
    meanRelErrPct: n > 0 ? (acc[ERR.SUM_REL_ERR]! / n) * 100 : 0,
    sqnrDb: sumSqErr > 0 && sumSqX > 0 ? 10 * Math.log10(sumSqX / sumSqErr) : null,
    cosine: cosine(acc[ERR.SUM_X_DEQ]!, sumSqX, sumSqDeq),
  };
  const nonFiniteOutputs = acc[ERR.NON_FINITE_DEQ]!;
  const overflowed = nonFiniteOutputs > 0 ? { nonFiniteOutputs } : {};
  if (errHist === null) return { ...metrics, ...overflowed };
  const [errP50, errP95, errP99] = errorPercentiles(errHist, maxAbsErr, ERROR_QUANTILES);
  return { ...metrics, errP50: errP50!, errP95: errP95!, errP99: errP99!, ...overflowed };
}

function cosine(dot: number, sumSqX: number, sumSqDeq: number): number {
  if (sumSqX === 0 && sumSqDeq === 0) return 1;
  if (sumSqX === 0 || sumSqDeq === 0) return 0;
  // Rounding can push |cos| a hair past 1.
  return Math.max(-1, Math.min(1, dot / Math.sqrt(sumSqX * sumSqDeq)));
}
