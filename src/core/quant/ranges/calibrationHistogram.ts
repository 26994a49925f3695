import { HISTOGRAM_FLAGS, histogramChunk } from '../kernels/histogram';

/**
 * Bins of the histograms range methods work on. // torch: HistogramObserver bins=2048;
 * onnxruntime: calibrate.py HistogramCalibrater num_bins=2048 (percentile);
 * ModelOpt: calib/histogram.py num_bins=2048.
 */
export const CALIBRATION_BINS = 2048;

/** Fixed-width bins over [lo, hi]; bin i spans lo + (hi - lo) * [i, i + 1] / bins. */
export interface CalibrationHistogram {
  readonly counts: Float64Array;
  readonly lo: number;
  readonly hi: number;
}

/** What range methods read: x over [min, max] and |x| over [0, max|x|], both as torch.histc bins them. */
export interface CalibrationHistograms {
  readonly signed: CalibrationHistogram;
  readonly absolute: CalibrationHistogram;
}

/** Empty calibration histograms for data in [min, max]; fill them with `addToCalibration`. */
export function newCalibrationHistograms(min: number, max: number, bins = CALIBRATION_BINS): CalibrationHistograms {
  return {
    signed: { counts: new Float64Array(bins), lo: min, hi: max },
    absolute: { counts: new Float64Array(bins), lo: 0, hi: Math.max(-min, max) },
  };
}

export function addToCalibration(h: CalibrationHistograms, x: Float32Array, from: number, to: number): void {
  histogramChunk(x, from, to, h.signed.lo, h.signed.hi, h.signed.counts, 0);
  histogramChunk(x, from, to, h.absolute.lo, h.absolute.hi, h.absolute.counts, HISTOGRAM_FLAGS.ABSOLUTE);
}

/** Left edge of bin i (i = bins gives hi). */
export function binEdge(h: CalibrationHistogram, i: number): number {
  return h.lo + ((h.hi - h.lo) * i) / h.counts.length;
}
