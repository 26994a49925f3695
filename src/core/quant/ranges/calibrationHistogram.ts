import { HISTOGRAM_FLAGS, histogramChunk } from '../kernels/histogram';

/**
 * Bins of the histograms range methods work on. // torch: HistogramObserver bins=2048;
 * onnxruntime: calibrate.py HistogramCalibrater num_bins=2048 (percentile);
 * ModelOpt: calib/histogram.py num_bins=2048.
 */
export const CALIBRATION_BINS = 2048;
/** onnxruntime: calibrate.py create_calibrator, Entropy: num_bins=128 (and num_quantized_bins=128). */
export const ORT_ENTROPY_BINS = 128;

/** Fixed-width bins over [lo, hi]; bin i spans lo + (hi - lo) * [i, i + 1] / bins. */
export interface CalibrationHistogram {
  readonly counts: Float64Array;
  readonly lo: number;
  readonly hi: number;
}

/** What range methods read, all binned as torch.histc bins (see kernels/histogram.ts). */
export interface CalibrationHistograms {
  /** x over [min, max]: torch HistogramObserver, mse (asymmetric). */
  readonly signed: CalibrationHistogram;
  /** |x| over [0, max|x|]: ModelOpt entropy and mse, percentile (symmetric), as ORT collect_absolute_value. */
  readonly absolute: CalibrationHistogram;
  /** x over [-max|x|, max|x|]: percentile (asymmetric), as ORT collect_value. */
  readonly centered: CalibrationHistogram;
  /** x over [-max|x|, max|x|] in 128 bins: onnxruntime's entropy calibrator with its defaults. */
  readonly centeredOrtEntropy: CalibrationHistogram;
}

function empty(bins: number, lo: number, hi: number): CalibrationHistogram {
  return { counts: new Float64Array(bins), lo, hi };
}

/** Empty calibration histograms for data whose finite values span [min, max]; fill with `addToCalibration`. */
export function newCalibrationHistograms(min: number, max: number): CalibrationHistograms {
  const a = Math.max(-min, max);
  return {
    signed: empty(CALIBRATION_BINS, min, max),
    absolute: empty(CALIBRATION_BINS, 0, a),
    centered: empty(CALIBRATION_BINS, -a, a),
    centeredOrtEntropy: empty(ORT_ENTROPY_BINS, -a, a),
  };
}

export function addToCalibration(h: CalibrationHistograms, x: Float32Array, from: number, to: number): void {
  histogramChunk(x, from, to, h.signed.lo, h.signed.hi, h.signed.counts, 0);
  histogramChunk(x, from, to, h.absolute.lo, h.absolute.hi, h.absolute.counts, HISTOGRAM_FLAGS.ABSOLUTE);
  histogramChunk(x, from, to, h.centered.lo, h.centered.hi, h.centered.counts, 0);
  histogramChunk(x, from, to, h.centeredOrtEntropy.lo, h.centeredOrtEntropy.hi, h.centeredOrtEntropy.counts, 0);
}

/** Edge i of the bins (0 gives lo, bins gives hi), as a float32 like the tools' edge arrays. */
export function binEdge(h: CalibrationHistogram, i: number): number {
  if (i >= h.counts.length) return h.hi;
  return Math.fround(h.lo + ((h.hi - h.lo) * i) / h.counts.length);
}

/** Centre of bin i, float32: (edge i + edge i+1) / 2 as ModelOpt computes `centers`. */
export function binCenter(h: CalibrationHistogram, i: number): number {
  return Math.fround((binEdge(h, i) + binEdge(h, i + 1)) / 2);
}

export function totalCount(h: CalibrationHistogram): number {
  let t = 0;
  for (let i = 0; i < h.counts.length; i++) t += h.counts[i]!;
  return t;
}
