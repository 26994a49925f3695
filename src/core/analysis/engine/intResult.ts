import type { Histogram, IntResult, IntScheme, TensorStats } from '../../../shared/analysisTypes';
import { affineIntResult } from '../affineResult';
import type { DisplayRange } from '../../metrics/errorAccumulator';
import { errorDisplayHistogram } from '../../metrics/errorBuckets';
import { finishErrorMetrics } from '../../metrics/errorMetrics';
import { ERR } from '../../quant/kernels/errorStats';
import { intRange, type QParams } from '../../quant/qparams';

/** What the fast paths accumulate for one int scheme: the reference's accumulators, filled faster. */
export interface IntAccumulators {
  /** ERR layout. */
  readonly acc: Float64Array;
  /** ERROR_BUCKETS counts. */
  readonly errHist: Float64Array;
  /** display.bins counts of deq over the display range. */
  readonly deqCounts: Float64Array;
  readonly clipped: number;
}

/** The IntResult of one scheme from its accumulators (assembled as the reference runner assembles it). */
export function intResult(
  scheme: IntScheme, params: readonly QParams[], sums: IntAccumulators, stats: TensorStats, display: DisplayRange,
): IntResult {
  const metrics = finishErrorMetrics(sums.acc, sums.errHist);
  const histograms = display.bins > 0
    ? { dequantized: histogram(display, sums.deqCounts), error: errorDisplayHistogram(sums.errHist, metrics.maxAbsErr, display.bins) }
    : undefined;
  return affineIntResult(scheme, params, stats, { compared: sums.acc[ERR.COUNT]!, clipped: sums.clipped, metrics, histograms });
}

export function histogram(display: DisplayRange, counts: Float64Array): Histogram {
  return { min: display.min, max: display.max, counts: Array.from(counts) };
}

/** What the group path tracks besides the accumulators: the scale spread and how many groups were degenerate. */
export interface GroupTally {
  readonly groups: number;
  readonly degenerateGroups: number;
  readonly scaleMin: number;
  readonly scaleMax: number;
}

/** The IntResult of a per-group scheme, field for field as the reference (runners/intGroupRunner.ts GroupPass.finish). */
export function intGroupResult(scheme: IntScheme, tally: GroupTally, sums: IntAccumulators, display: DisplayRange): IntResult {
  const { qmin, qmax } = intRange(scheme.bits, scheme.mode, scheme.convention);
  const metrics = finishErrorMetrics(sums.acc, sums.errHist);
  const compared = sums.acc[ERR.COUNT]!;
  const histograms = display.bins > 0
    ? { dequantized: histogram(display, sums.deqCounts), error: errorDisplayHistogram(sums.errHist, metrics.maxAbsErr, display.bins) }
    : undefined;
  return {
    kind: 'int', mode: scheme.mode, bits: scheme.bits, granularity: 'group', groupSize: scheme.groupSize,
    range: scheme.range, convention: scheme.convention, axis: null, qmin, qmax,
    scale: null, zeroPoint: null, clipMin: null, clipMax: null,
    scaleMin: tally.groups > 0 ? tally.scaleMin : 0,
    scaleMax: tally.groups > 0 ? tally.scaleMax : 0,
    degenerate: tally.groups > 0 && tally.degenerateGroups === tally.groups,
    clippedPct: compared > 0 ? (100 * sums.clipped) / compared : 0,
    ...metrics,
    ...(histograms ? { histograms } : {}),
  };
}
