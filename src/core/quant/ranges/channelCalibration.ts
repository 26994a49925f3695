import {
  addToHistogram, newCalibrationHistogram, type CalibrationHistogram, type CalibrationHistograms, type CalibrationKind,
} from './calibrationHistogram';

/**
 * Bins of each channel's calibration histogram. 512 rather than the per-tensor 2048: a quarter of
 * the memory, so 16,384 channels fit in 64 MB; it still leaves the entropy / mse searches (which
 * start at bin 128) three quarters of the range as candidates, and percentile a step of 0.2 % of
 * the channel's own range.
 */
export const CHANNEL_CALIBRATION_BINS = 512;
/** Channels calibrated at most: 16,384 × 512 float64 counts = 64 MB (covers hidden sizes to 16K; vocabularies do not fit). */
export const MAX_CALIBRATION_CHANNELS = 16384;

/** Stands in for the histograms a method does not read (calibrationKind says which one it reads). */
const UNREAD: CalibrationHistogram = { counts: new Float64Array(0), lo: 0, hi: 0 };

/**
 * One calibration histogram per channel, of the single kind the range method reads, each over
 * its channel's own [min, max] as per-tensor calibration bins the whole tensor.
 */
export class ChannelCalibration {
  private readonly histograms: readonly CalibrationHistogram[];

  /** `ranges` holds [min0, max0, min1, max1, ...]; a channel without finite values (min > max) bins over [0, 0]. */
  constructor(private readonly kind: CalibrationKind, ranges: Float64Array, bins: number = CHANNEL_CALIBRATION_BINS) {
    this.histograms = Array.from({ length: ranges.length / 2 }, (_, c) => {
      const lo = ranges[2 * c]!;
      const hi = ranges[2 * c + 1]!;
      return lo <= hi ? newCalibrationHistogram(kind, lo, hi, bins) : newCalibrationHistogram(kind, 0, 0, bins);
    });
  }

  add(x: Float32Array, from: number, to: number, channel: number): void {
    addToHistogram(this.kind, this.histograms[channel]!, x, from, to);
  }

  /** What chooseRange reads for this channel (only the calibrated kind holds counts). */
  of(channel: number): CalibrationHistograms {
    const h = this.histograms[channel]!;
    return {
      signed: this.kind === 'signed' ? h : UNREAD,
      absolute: this.kind === 'absolute' ? h : UNREAD,
      centered: this.kind === 'centered' ? h : UNREAD,
      centeredOrtEntropy: this.kind === 'centeredOrtEntropy' ? h : UNREAD,
    };
  }
}
