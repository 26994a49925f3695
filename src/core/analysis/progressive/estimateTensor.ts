import type { AnalysisOptions, Scheme } from '../../../shared/analysisTypes';
import type { Estimated, QuantEstimate, TensorEstimate } from '../../../shared/estimateTypes';
import { finishTensorStats } from '../../metrics/tensorStats';
import { newStatsAccumulator, statsChunk } from '../../metrics/statsKernel';
import { addToCalibration, newCalibrationHistograms } from '../../quant/ranges/calibrationHistogram';
import type { TensorEntry } from '../../tensor';
import { CHUNK_ELEMENTS } from '../chunkStream';
import { planSchemes } from '../planSchemes';
import type { PrepareContext, SchemeRunner } from '../runners/schemeRunner';
import { logRatioHalfWidth, meanHalfWidth } from './interval';
import { minus, NO_SUMS, sumsOf, type UnitSums } from './unitSums';
import { readSample } from './readSample';
import { planSample, SAMPLE_TARGET_ELEMENTS, unitSize, type SamplePlan } from './samplePlan';

/**
 * A first estimate of a tensor's table figures under every scheme of `options` that applies to it,
 * from a deterministic sample of whole slices (samplePlan.ts; about `target` elements), or null when the tensor cannot be
 * sampled. The schemes run on the sample as on a tensor of its own (its stats, its per-channel
 * ranges): pooled, that gives the estimate; its running figures unit by unit give the spread the
 * intervals come from. A sample of the whole tensor gives the exact figures with zero-width intervals.
 */
export async function estimateTensor(
  entry: TensorEntry, options: AnalysisOptions, target = SAMPLE_TARGET_ELEMENTS,
): Promise<TensorEstimate | null> {
  const plan = planSample(entry.shape, entry.numel, target);
  if (!plan) return null;
  const schemes = planSchemes(options.schemes, entry.shape, entry.numel).runners.map((r) => r.scheme);
  const sample = await readSample(entry, plan);
  const runners = planSchemes(schemes, plan.sampleShape, plan.sampleElements).runners.map((r) => r.runner);
  const ctx = prepareOnSample(sample, runners, Math.min(CHUNK_ELEMENTS, plan.unitLength));
  const whole = plan.units.length === plan.unitsTotal;
  const results = runners.map((runner, i) => estimateScheme(schemes[i]!, runner, ctx, sample, plan, entry.numel, whole));
  return {
    name: entry.name, shape: [...entry.shape], numel: entry.numel, sampledElements: plan.sampleElements,
    unitsSampled: plan.units.length, unitsTotal: plan.unitsTotal, results,
  };
}

/**
 * Pass 1 (stats, channel ranges) and the calibration pass over the sample, as analyzeTensor runs
 * them over a tensor. Pass 2 gets chunks of at most `chunkLength` (each unit on its own: a row's buffers, not a chunk's).
 */
function prepareOnSample(sample: Float32Array, runners: readonly SchemeRunner[], chunkLength: number): PrepareContext {
  const acc = newStatsAccumulator();
  forEachChunk(sample, 0, sample.length, (x, start) => {
    statsChunk(x, x.length, acc);
    for (const r of runners) r.observe?.(x, x.length, start);
  });
  const stats = finishTensorStats(acc);
  const calibration = runners.some((r) => r.needsCalibration) ? newCalibrationHistograms(stats.min, stats.max) : null;
  if (calibration || runners.some((r) => r.calibrate)) {
    forEachChunk(sample, 0, sample.length, (x, start) => {
      if (calibration) addToCalibration(calibration, x, 0, x.length);
      for (const r of runners) r.calibrate?.(x, x.length, start);
    });
  }
  return { stats, calibration, display: { min: stats.min, max: stats.max, bins: 0, errorPercentiles: false }, chunkLength, kernels: null };
}

function estimateScheme(
  scheme: Scheme, runner: SchemeRunner, ctx: PrepareContext, sample: Float32Array, plan: SamplePlan, numel: number, whole: boolean,
): QuantEstimate {
  // One pass over the sample; its running figures after each unit give that unit's sums (finish() only reads).
  const pass = runner.prepare(ctx);
  const units: UnitSums[] = [];
  let before = NO_SUMS;
  let finite = 0;
  let xx = 0;
  let offset = 0;
  for (const u of plan.units) {
    const to = offset + unitSize(u, plan.unitLength, numel);
    forEachChunk(sample, offset, to, (x, start) => pass.consume(x, x.length, start));
    const own = finiteSquares(sample, offset, to);
    finite += own.n;
    xx += own.xx;
    const after = sumsOf(pass.finish(), finite, xx);
    units.push(minus(after, before));
    before = after;
    offset = to;
  }
  const pooled = pass.finish();
  const total = plan.unitsTotal;
  // Per-value means of each unit: the units' figures whose spread the intervals come from.
  const perValue = (f: (s: UnitSums) => number): number[] => units.map((s) => (s.n > 0 ? f(s) / s.n : 0));
  const around = (value: number, unitValues: number[]): Estimated => ({ value, halfWidth: whole ? 0 : meanHalfWidth(unitValues, total) });
  const signal = perValue((s) => s.xx);
  const noise = perValue((s) => s.ee);
  const logRatio = whole ? 0 : logRatioHalfWidth(signal, noise, total);
  return {
    scheme,
    mse: around(pooled.mse, noise),
    sqnrDb: pooled.sqnrDb === null ? null : { value: pooled.sqnrDb, halfWidth: (10 / Math.LN10) * logRatio },
    meanRelErrPct: around(pooled.meanRelErrPct, perValue((s) => 100 * s.rel)),
    // 1 - cos ≈ Σe²/(2Σx²) for a small error uncorrelated with x: the same relative interval as the noise-to-signal ratio.
    cosine: { value: pooled.cosine, halfWidth: (1 - pooled.cosine) * logRatio },
    maxAbsErrLowerBound: pooled.maxAbsErr,
    clippedPct: pooled.kind === 'int' ? around(pooled.clippedPct, perValue((s) => 100 * s.clipped)) : null,
    rangeFromSample: !whole && spansUnits(scheme),
  };
}

/** Whether a scheme's scale comes from a range wider than one first-axis slice. */
function spansUnits(s: Scheme): boolean {
  if (s.kind === 'format') return s.format === 'nvfp4';
  return s.granularity === 'tensor' || (s.granularity === 'channel' && s.axis !== 0);
}

/** Hands out sample[from, to) in chunks of at most CHUNK_ELEMENTS with their flat index (views, no copies). */
function forEachChunk(sample: Float32Array, from: number, to: number, each: (x: Float32Array, start: number) => void): void {
  for (let start = from; start < to; start += CHUNK_ELEMENTS) each(sample.subarray(start, Math.min(to, start + CHUNK_ELEMENTS)), start);
}

/** Count and Σx² of the finite values of x[from, to). */
function finiteSquares(x: Float32Array, from: number, to: number): { n: number; xx: number } {
  let xx = 0;
  let n = 0;
  for (let i = from; i < to; i++) {
    const v = x[i]!;
    if (v - v !== 0) continue;
    xx += v * v;
    n++;
  }
  return { n, xx };
}
