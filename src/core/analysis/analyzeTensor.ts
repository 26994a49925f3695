import type { AnalysisOptions, Histogram, QuantResult, TensorResult } from '../../shared/analysisTypes';
import { finishTensorStats } from '../metrics/tensorStats';
import { HISTOGRAM_FLAGS, histogramChunk } from '../metrics/histogramKernel';
import { newStatsAccumulator, statsChunk } from '../metrics/statsKernel';
import { addToCalibration, newCalibrationHistograms, type CalibrationHistograms } from '../quant/ranges/calibrationHistogram';
import type { TensorEntry } from '../tensor';
import { chunkLength, streamTensor } from './chunkStream';
import { planSchemes } from './planSchemes';
import type { SchemePass } from './runners/schemeRunner';
import type { OpenErrorSums } from '../metrics/errorSumsKernel';
import { FORMATS } from '../quant/formats/formatTraits';

export interface AnalyzeHooks {
  readonly signal?: AbortSignal;
  /** Elements of this tensor done so far (cumulative, whole numbers, reaching numel at the end). */
  onElements?(n: number): void;
}

/** The longest block of a named format: a span of pass 2 is a chunk or, carried over a chunk boundary, one block. */
const MAX_FORMAT_BLOCK = Math.max(...Object.values(FORMATS).map((f) => f.blockSize));

/**
 * Analyses one tensor under every scheme asked, streaming it in bounded chunks (memory
 * O(chunk + bins + channels), whatever the tensor's size):
 *   pass 1: stats, per-channel ranges;
 *   calibration pass (only when a range method needs it): 2048-bin histograms of x and |x|,
 *   and per-channel histograms for per-channel range methods;
 *   pass 2: the weights' histogram, and every scheme's round trip and error on each chunk.
 * For the table's figures alone, the named formats' error sums run where `openErrorSums` says (null: here).
 * Throws CancelledError promptly once `hooks.signal` fires.
 */
export async function analyzeTensor(
  entry: TensorEntry, options: AnalysisOptions, hooks: AnalyzeHooks = {}, openErrorSums: OpenErrorSums | null = null,
): Promise<TensorResult> {
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
  const step = chunkLength(entry.data.blockSize);
  // The table alone (no error buckets, no histograms): the named formats' sums can run elsewhere.
  const formats = plans.runners.filter((p) => p.scheme.kind === 'format').length;
  // Each format's deq and the chunk itself lent by the kernel: the sums read them where they are.
  const errorSums = openErrorSums && formats > 0 && options.tableOnly ? openErrorSums(Math.max(step, MAX_FORMAT_BLOCK), formats + 1) : null;
  const weights = new Float64Array(bins);
  let results: QuantResult[];
  try {
    const chunk = errorSums?.buffer(step) ?? null;
    const ctx = { stats, calibration, display, chunkLength: step, errorSums };
    const schemePasses: SchemePass[] = runners.map((r) => r.prepare(ctx));
    await streamTensor(entry, progress, (read, start) => {
      const x = chunk ? copyInto(chunk, read) : read;
      if (bins > 0) histogramChunk(x, 0, x.length, stats.min, stats.max, weights, HISTOGRAM_FLAGS.CLAMP);
      for (const p of schemePasses) p.consume(x, x.length, start);
    });
    results = schemePasses.map((p) => p.finish());
  } finally {
    errorSums?.release();
  }

  const histogram: Histogram | undefined = bins > 0 ? { min: stats.min, max: stats.max, counts: Array.from(weights) } : undefined;
  return {
    name: entry.name, dtype: entry.dtype, shape: [...entry.shape], numel: entry.numel, stats,
    ...(histogram ? { histogram } : {}),
    results,
    ...(plans.notApplicable.length > 0 ? { notApplicable: plans.notApplicable } : {}),
  };
}

/** `values` copied to the start of `into`, as a view of that many values. */
function copyInto(into: Float32Array, values: Float32Array): Float32Array {
  into.set(values);
  return into.subarray(0, values.length);
}
