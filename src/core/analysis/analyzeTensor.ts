import type { AnalysisOptions, Histogram, QuantResult, TensorResult, TensorStats } from '../../shared/analysisTypes';
import { finishTensorStats } from '../metrics/tensorStats';
import { HISTOGRAM_FLAGS, histogramChunk } from '../metrics/histogramKernel';
import { newStatsAccumulator, statsChunk } from '../metrics/statsKernel';
import { addToCalibration, newCalibrationHistograms, type CalibrationHistograms } from '../quant/ranges/calibrationHistogram';
import type { TensorEntry } from '../tensor';
import { CHUNK_ELEMENTS, chunkLength, FORMAT_CHUNK_ELEMENTS, streamInto, streamTensor } from './chunkStream';
import { planSchemes } from './planSchemes';
import type { SchemePass } from './runners/schemeRunner';
import type { OpenPassKernels } from '../metrics/passKernels';
import { FORMATS } from '../quant/formats/formatTraits';

export interface AnalyzeHooks {
  readonly signal?: AbortSignal;
  /** Elements of this tensor done so far (cumulative, whole numbers, reaching numel at the end). */
  onElements?(n: number): void;
}

/** The longest block of a named format: a span of pass 2 is a chunk or, carried over a chunk boundary, one block. */
export const MAX_FORMAT_BLOCK = Math.max(...Object.values(FORMATS).map((f) => f.blockSize));

/**
 * Analyses one tensor under every scheme asked, streaming it in bounded chunks (memory
 * O(chunk + bins + channels), whatever the tensor's size):
 *   pass 1: stats, per-channel ranges;
 *   calibration pass (only when a range method needs it): 2048-bin histograms of x and |x|,
 *   and per-channel histograms for per-channel range methods;
 *   pass 2: the weights' histogram, and every scheme's round trip and error on each chunk
 *   (in pass 1's read when no scheme needs pass 1 and no histogram is asked).
 * For the table's figures alone with named formats, the stats and the formats' error sums run on the
 * kernels `openPassKernels` gives (null: the reference kernels here).
 * Throws CancelledError promptly once `hooks.signal` fires.
 */
export async function analyzeTensor(
  entry: TensorEntry, options: AnalysisOptions, hooks: AnalyzeHooks = {}, openPassKernels: OpenPassKernels | null = null,
): Promise<TensorResult> {
  const plans = planSchemes(options.schemes, entry.shape, entry.numel);
  const runners = plans.runners.map((p) => p.runner);
  const needsCalibration = runners.some((r) => r.needsCalibration);
  const calibrators = runners.filter((r) => r.calibrate !== undefined);
  const calibrationPass = needsCalibration || calibrators.length > 0;
  const observers = runners.filter((r) => r.observe !== undefined);
  const bins = options.tableOnly ? 0 : Math.max(0, Math.floor(options.histogramBins));
  // Pass 2 in pass 1's read when it needs nothing from pass 1: no range to histogram, no scheme reading the stats.
  const unranged = bins === 0 && !calibrationPass && runners.length > 0 && runners.every((r) => r.prepareUnranged !== undefined);
  const passes = unranged ? 1 : calibrationPass ? 3 : 2;
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

  const step = chunkLength(entry.data.blockSize, unranged ? FORMAT_CHUNK_ELEMENTS : CHUNK_ELEMENTS);
  const formats = plans.runners.filter((p) => p.scheme.kind === 'format').length;
  // The table alone (no error buckets): the stats and the named formats' error sums run on the kernels
  // openPassKernels gives, reading each format's deq and the chunk itself where they are, in buffers they lend.
  const kernels = openPassKernels && formats > 0 && options.tableOnly ? openPassKernels(Math.max(step, MAX_FORMAT_BLOCK), formats + 2) : null;
  const weights = new Float64Array(bins);
  let stats: TensorStats;
  let results: QuantResult[];
  try {
    // The kernels' passes read into two lent chunks (the next read in flight meanwhile), as does the one pass without them.
    const lent: readonly [Float32Array, Float32Array] | null = kernels
      ? [kernels.buffer(step), kernels.buffer(step)]
      : unranged ? [new Float32Array(step), new Float32Array(step)] : null;
    const stream = (consume: (x: Float32Array, start: number) => void): Promise<void> =>
      lent ? streamInto(entry, progress, lent, consume) : streamTensor(entry, progress, consume);
    const early = unranged ? runners.map((r) => r.prepareUnranged!({ chunkLength: step, kernels, errorPercentiles: !options.tableOnly })) : null;

    const statsAcc = newStatsAccumulator();
    await stream((x, start) => {
      if (kernels) kernels.stats(x, x.length, statsAcc);
      else statsChunk(x, x.length, statsAcc);
      for (const r of observers) r.observe!(x, x.length, start);
      if (early) for (const p of early) p.consume(x, x.length, start);
    });
    passesDone++;
    stats = finishTensorStats(statsAcc);

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

    let schemePasses: readonly SchemePass[];
    if (early) {
      schemePasses = early;
    } else {
      const display = { min: stats.min, max: stats.max, bins, errorPercentiles: !options.tableOnly };
      const ctx = { stats, calibration, display, chunkLength: step, kernels };
      const late = runners.map((r) => r.prepare(ctx));
      const range = stats;
      await stream((x, start) => {
        if (bins > 0) histogramChunk(x, 0, x.length, range.min, range.max, weights, HISTOGRAM_FLAGS.CLAMP);
        for (const p of late) p.consume(x, x.length, start);
      });
      schemePasses = late;
    }
    results = schemePasses.map((p) => p.finish());
  } finally {
    kernels?.release();
  }

  const histogram: Histogram | undefined = bins > 0 ? { min: stats.min, max: stats.max, counts: Array.from(weights) } : undefined;
  return {
    name: entry.name, dtype: entry.dtype, shape: [...entry.shape], numel: entry.numel, stats,
    ...(histogram ? { histogram } : {}),
    results,
    ...(plans.notApplicable.length > 0 ? { notApplicable: plans.notApplicable } : {}),
  };
}
