import type { Histogram, IntResult, IntScheme, TensorStats } from '../../../shared/analysisTypes';
import { affineIntResult, groupIntResult, type FinishedErrors } from '../affineResult';
import type { GroupTally } from '../../../shared/tensorPartTypes';
import type { DisplayRange } from '../../metrics/errorAccumulator';
import { errorDisplayHistogram } from '../../metrics/errorBuckets';
import { finishErrorMetrics } from '../../metrics/errorMetrics';
import { ERR } from '../../metrics/errorStatsKernel';
import type { QParams } from '../../quant/affine/qparams';

/** What the fast paths accumulate for one int scheme: the reference's accumulators, filled faster. */
export interface IntAccumulators {
  /** ERR layout. */
  readonly acc: Float64Array;
  /** ERROR_BUCKETS counts; null when not counted (no percentiles, no error histogram). */
  readonly errHist: Float64Array | null;
  /** display.bins counts of deq over the display range. */
  readonly deqCounts: Float64Array;
  readonly clipped: number;
}

/** The IntResult of one scheme from its accumulators (assembled as the reference runner assembles it). */
export function intResult(
  scheme: IntScheme, params: readonly QParams[], sums: IntAccumulators, stats: TensorStats, display: DisplayRange,
): IntResult {
  return affineIntResult(scheme, params, stats, finishedErrors(sums, display));
}

/** The IntResult of a per-group scheme from its accumulators (as the reference GroupPass assembles it). */
export function intGroupResult(scheme: IntScheme, tally: GroupTally, sums: IntAccumulators, display: DisplayRange): IntResult {
  return groupIntResult(scheme, tally, finishedErrors(sums, display));
}

function finishedErrors(sums: IntAccumulators, display: DisplayRange): FinishedErrors {
  const errHist = display.errorPercentiles ? sums.errHist : null;
  const metrics = finishErrorMetrics(sums.acc, errHist);
  const histograms = display.bins > 0 && errHist
    ? { dequantized: histogram(display, sums.deqCounts), error: errorDisplayHistogram(errHist, metrics.maxAbsErr, display.bins) }
    : undefined;
  return { compared: sums.acc[ERR.COUNT]!, clipped: sums.clipped, metrics, histograms };
}

export function histogram(display: DisplayRange, counts: Float64Array): Histogram {
  return { min: display.min, max: display.max, counts: Array.from(counts) };
}
