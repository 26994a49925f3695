import type { ErrorMetrics, IntResult, IntScheme, ResultHistograms, TensorStats } from '../../shared/analysisTypes';
import { intRange, type QParams } from '../quant/affine/qparams';
import type { GroupTally } from '../../shared/tensorPartTypes';

const f32 = Math.fround;

/** What a finished error accumulation hands over, however it was accumulated (TS reference or WASM). */
export interface FinishedErrors {
  /** Finite originals compared. */
  readonly compared: number;
  /** Values whose `round(x/s)+zp` fell outside [qmin, qmax]. */
  readonly clipped: number;
  readonly metrics: ErrorMetrics;
  readonly histograms: ResultHistograms | undefined;
}

/** The IntResult of a per-tensor or per-channel scheme: the one place its fields are assembled. */
export function affineIntResult(scheme: IntScheme, params: readonly QParams[], stats: TensorStats, errors: FinishedErrors): IntResult {
  const perTensor = scheme.granularity === 'tensor';
  const first = params[0]!;
  let scaleMin = Infinity;
  let scaleMax = -Infinity;
  for (const p of params) {
    scaleMin = Math.min(scaleMin, p.scale);
    scaleMax = Math.max(scaleMax, p.scale);
  }
  const clip = perTensor ? clipRange(first, stats) : null;
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
    clippedPct: errors.compared > 0 ? (100 * errors.clipped) / errors.compared : 0,
    ...errors.metrics,
    ...(errors.histograms ? { histograms: errors.histograms } : {}),
  };
}

/** The IntResult of a per-group scheme: the one place its fields are assembled. */
export function groupIntResult(scheme: IntScheme, tally: GroupTally, errors: FinishedErrors): IntResult {
  const { qmin, qmax } = intRange(scheme.bits, scheme.mode, scheme.convention);
  return {
    kind: 'int', mode: scheme.mode, bits: scheme.bits, granularity: 'group', groupSize: scheme.groupSize,
    range: scheme.range, convention: scheme.convention, axis: null, qmin, qmax,
    scale: null, zeroPoint: null, clipMin: null, clipMax: null,
    scaleMin: tally.groups > 0 ? tally.scaleMin : 0,
    scaleMax: tally.groups > 0 ? tally.scaleMax : 0,
    degenerate: tally.groups > 0 && tally.degenerateGroups === tally.groups,
    clippedPct: errors.compared > 0 ? (100 * errors.clipped) / errors.compared : 0,
    ...errors.metrics,
    ...(errors.histograms ? { histograms: errors.histograms } : {}),
  };
}

/** The representable range, in float32 as deq is computed; the data range when degenerate. */
function clipRange(p: QParams, stats: TensorStats): { min: number; max: number } {
  if (p.degenerate) return { min: stats.min, max: stats.max };
  return { min: f32(p.scale * f32(p.qmin - p.zeroPoint)), max: f32(p.scale * f32(p.qmax - p.zeroPoint)) };
}
