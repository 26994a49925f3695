import type { AnalysisOptions, Histogram, QuantResult, TensorResult } from '../../shared/analysisTypes';
import { finishTensorStats } from '../metrics/tensorStats';
import { HISTOGRAM_FLAGS, histogramChunk } from '../metrics/histogramKernel';
import { newStatsAccumulator, statsChunk } from '../metrics/statsKernel';
import { addToCalibration, newCalibrationHistograms, type CalibrationHistograms } from '../quant/ranges/calibrationHistogram';
import type { TensorEntry } from '../tensor';
import { chunkLength, streamTensor } from './chunkStream';
import { planSchemes } from './planSchemes';
import type { SchemePass } from './runners/schemeRunner';

export interface AnalyzeHooks {
  readonly signal?: AbortSignal;
  /** Elements of this tensor done so far (cumulative, whole numbers, reaching numel at the end). */
  onElements?(n: number): void;
}

/**
 * Analyses one tensor under every scheme asked, streaming it in bounded chunks (memory
 * O(chunk + bins + channels), whatever the tensor's size):
 *   pass 1: stats, per-channel ranges;
 *   calibration pass (only when a range method needs it): 2048-bin histograms of x and |x|,
 *   and per-channel histograms for per-channel range methods;
 *   pass 2: the weights' histogram, and every scheme's round trip and error on each chunk.
 * Throws CancelledError promptly once `hooks.signal` fires.
 */
export async function analyzeTensor(entry: TensorEntry, options: AnalysisOptions, hooks: AnalyzeHooks = {}): Promise<TensorResult> {
  const plans = planSchemes(options.schemes, entry.shape, entry.numel);
  const runners = plans.runners.map((p) => p.runner);
  const needsCalibration = runners.some((r) => r.needsCalibration);
  const calibrators = runners.filter((r) => r.calibrate !== undefined);
  const calibrationPass = needsCalibration || calibrators.length > 0;
  const passes = calibrationPass ? 3 : 2;
  let passesDone = 0;
  let reported = 0;
  const progress = {
    signal: hooks.signal,
    onProgress(done: number): void {
      // Each pass covers the tensor once; report the share of all passes as elements.
      const n = Math.floor((passesDone * entry.numel + done) / passes);
      if (n > reported) {
        reported = n;
        hooks.onElements?.(n);
      }
    },
  };

  const statsAcc = newStatsAccumulator();
  const observers = runners.filter((r) => r.observe !== undefined);
  await streamTensor(entry, progress, (x, start) => {
    statsChunk(x, x.length, statsAcc);
    for (const r of observers) r.observe!(x, x.length, start);
  });
  passesDone++;
  const stats = finishTensorStats(statsAcc);

  let calibration: CalibrationHistograms | null = null;
  if (calibrationPass) {
    const h = needsCalibration ? newCalibrationHistograms(stats.min, stats.max) : null;
    await streamTensor(entry, progress, (x, start) => {
      if (h) addToCalibration(h, x, 0, x.length);
      for (const r of calibrators) r.calibrate!(x, x.length, start);
    });
    passesDone++;
    calibration = h;
  }

  const bins = options.tableOnly ? 0 : Math.max(0, Math.floor(options.histogramBins));
  const display = { min: stats.min, max: stats.max, bins, errorPercentiles: !options.tableOnly };
  const ctx = { stats, calibration, display, chunkLength: chunkLength(entry.data.blockSize) };
  const schemePasses: SchemePass[] = runners.map((r) => r.prepare(ctx));
  const weights = new Float64Array(bins);
  await streamTensor(entry, progress, (x, start) => {
    if (bins > 0) histogramChunk(x, 0, x.length, stats.min, stats.max, weights, HISTOGRAM_FLAGS.CLAMP);
    for (const p of schemePasses) p.consume(x, x.length, start);
  });

  const results: QuantResult[] = schemePasses.map((p) => p.finish());
  const histogram: Histogram | undefined = bins > 0 ? { min: stats.min, max: stats.max, counts: Array.from(weights) } : undefined;
  return {
    name: entry.name, dtype: entry.dtype, shape: [...entry.shape], numel: entry.numel, stats,
    ...(histogram ? { histogram } : {}),
    results,
    ...(plans.notApplicable.length > 0 ? { notApplicable: plans.notApplicable } : {}),
  };
}
