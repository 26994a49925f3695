import type { Histogram, IntResult, IntScheme, TensorStats } from '../../../shared/analysisTypes';
import type { DisplayRange } from '../../metrics/errorAccumulator';
import { errorDisplayHistogram } from '../../metrics/errorBuckets';
import { finishErrorMetrics } from '../../metrics/errorMetrics';
import { ERR } from '../../quant/kernels/errorStats';
import { intRange, type QParams } from '../../quant/qparams';

const f32 = Math.fround;

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

/**
 * The IntResult of one scheme from its accumulators, field for field as the reference
 * (runners/intAffineRunner.ts AffinePass.finish) builds it.
 */
export function intResult(
  scheme: IntScheme, params: readonly QParams[], sums: IntAccumulators, stats: TensorStats, display: DisplayRange,
): IntResult {
  const perTensor = scheme.granularity === 'tensor';
  const first = params[0]!;
  let scaleMin = Infinity;
  let scaleMax = -Infinity;
  for (const p of params) {
    scaleMin = Math.min(scaleMin, p.scale);
    scaleMax = Math.max(scaleMax, p.scale);
  }
  const clip = perTensor ? clipRange(first, stats) : null;
  const metrics = finishErrorMetrics(sums.acc, sums.errHist);
  const compared = sums.acc[ERR.COUNT]!;
  const histograms = display.bins > 0
    ? { dequantized: histogram(display, sums.deqCounts), error: errorDisplayHistogram(sums.errHist, metrics.maxAbsErr, display.bins) }
    : undefined;
  return {
    kind: 'int', mode: scheme.mode, bits: scheme.bits, granularity: scheme.granularity, groupSize: null,
    range: scheme.range, convention: scheme.convention, axis: perTensor ? null : scheme.axis,
    qmin: first.qmin, qmax: first.qmax,
    scale: perTensor ? first.scale : null,
    zeroPoint: perTensor ? first.zeroPoint : null,
    clipMin: clip?.min ?? null,
    clipMax: clip?.max ?? null,
    scaleMin, scaleMax,
    degenerate: params.every((p) => p.degenerate),
    clippedPct: compared > 0 ? (100 * sums.clipped) / compared : 0,
    ...metrics,
    ...(histograms ? { histograms } : {}),
  };
}

/** The representable range, in float32 as deq is computed; the data range when degenerate. */
function clipRange(p: QParams, stats: TensorStats): { min: number; max: number } {
  if (p.degenerate) return { min: stats.min, max: stats.max };
  return { min: f32(p.scale * f32(p.qmin - p.zeroPoint)), max: f32(p.scale * f32(p.qmax - p.zeroPoint)) };
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
