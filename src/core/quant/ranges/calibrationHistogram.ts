import { HISTOGRAM_FLAGS, histogramChunk } from '../../metrics/histogramKernel';

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

/** Which of the calibration histograms (each range method and mode reads exactly one). */
export type CalibrationKind = keyof CalibrationHistograms;

/** Empty histogram of one kind for data whose finite values span [min, max]; `bins` is ignored for the fixed-size ORT entropy one. */
export function newCalibrationHistogram(kind: CalibrationKind, min: number, max: number, bins: number = CALIBRATION_BINS): CalibrationHistogram {
  const a = Math.max(-min, max);
  switch (kind) {
    case 'signed': return { counts: new Float64Array(bins), lo: min, hi: max };
    case 'absolute': return { counts: new Float64Array(bins), lo: 0, hi: a };
    case 'centered': return { counts: new Float64Array(bins), lo: -a, hi: a };
    case 'centeredOrtEntropy': return { counts: new Float64Array(ORT_ENTROPY_BINS), lo: -a, hi: a };
  }
}

/**
 * Empty calibration histograms for data whose finite values span [min, max]; fill with `addToCalibration`.
 * `bins` other than CALIBRATION_BINS serves per-channel calibration at a coarser resolution.
 */
export function newCalibrationHistograms(min: number, max: number, bins: number = CALIBRATION_BINS): CalibrationHistograms {
  return {
    signed: newCalibrationHistogram('signed', min, max, bins),
    absolute: newCalibrationHistogram('absolute', min, max, bins),
    centered: newCalibrationHistogram('centered', min, max, bins),
    centeredOrtEntropy: newCalibrationHistogram('centeredOrtEntropy', min, max, bins),
  };
}

/** Adds the finite values of x[from..to) to a histogram of `kind` (|x| for the absolute one). */
export function addToHistogram(kind: CalibrationKind, h: CalibrationHistogram, x: Float32Array, from: number, to: number): void {
  histogramChunk(x, from, to, h.lo, h.hi, h.counts, kind === 'absolute' ? HISTOGRAM_FLAGS.ABSOLUTE : 0);
}

export function addToCalibration(h: CalibrationHistograms, x: Float32Array, from: number, to: number): void {
  addToHistogram('signed', h.signed, x, from, to);
  addToHistogram('absolute', h.absolute, x, from, to);
  addToHistogram('centered', h.centered, x, from, to);
  addToHistogram('centeredOrtEntropy', h.centeredOrtEntropy, x, from, to);
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
