/**
 * A histogram over a range that grows as batches arrive, combined the way torch's
 * HistogramObserver does it since torch 2.1 (observer.py `forward`, `_combine_histograms`,
 * `_upscale_histogram`): the first batch is binned over its own [min, max]; a later batch is
 * binned over the widened range, and the histogram so far is split into `UPSAMPLE_RATE` equal
 * sub-bins per bin whose midpoints are re-binned into the widened range. So the `histogram`
 * range method (a port of `_non_linear_param_search`) sees what torch's observer would.
 *
 * Chosen over onnxruntime's merge_histogram (which keeps the bin width and adds bins), because the
 * range methods work on a fixed bin count and torch is the reference the tests pin.
 * torch 1.13 (Debian) differs: it bins with `int(min)`/`int(max)` (a truncation fixed later) and
 * combines by cumulative sums; scripts/crosscheck/torch_calib.py compares with both.
 */
import { HISTOGRAM_FLAGS, histogramChunk } from '../../metrics/histogramKernel';
import { CALIBRATION_BINS, type CalibrationHistogram } from '../../quant/ranges/calibrationHistogram';

/** torch: HistogramObserver(upsample_rate=128). */
export const UPSAMPLE_RATE = 128;

/** What is binned over which range (calibrationHistogram.ts names the same views). */
export type HistogramView =
  /** x over [min, max] */
  | 'signed'
  /** |x| over [0, max|x|] */
  | 'absolute'
  /** x over [-max|x|, max|x|] */
  | 'centered';

export class StreamingHistogram {
  private counts: Float64Array;
  private lo = Infinity;
  private hi = -Infinity;

  constructor(private readonly view: HistogramView, private readonly bins = CALIBRATION_BINS) {
    this.counts = new Float64Array(bins);
  }

  /** Adds the finite values of x, whose finite min and max are given. */
  add(x: Float32Array, min: number, max: number): void {
    if (!(min <= max)) return;
    const a = Math.max(-min, max);
    const lo = this.view === 'signed' ? min : this.view === 'absolute' ? 0 : -a;
    const hi = this.view === 'signed' ? max : a;
    const flags = this.view === 'absolute' ? HISTOGRAM_FLAGS.ABSOLUTE : 0;
    if (this.lo > this.hi) {
      this.lo = lo;
      this.hi = hi;
      histogramChunk(x, 0, x.length, lo, hi, this.counts, flags);
      return;
    }
    const newLo = Math.min(this.lo, lo);
    const newHi = Math.max(this.hi, hi);
    const update = new Float64Array(this.bins);
    histogramChunk(x, 0, x.length, newLo, newHi, update, flags);
    if (newLo !== this.lo || newHi !== this.hi) this.rebin(update, newLo, newHi);
    else for (let i = 0; i < this.bins; i++) update[i]! += this.counts[i]!;
    this.counts = update;
    this.lo = newLo;
    this.hi = newHi;
  }

  /** Adds the histogram so far, re-binned into [newLo, newHi], to `into`. */
  private rebin(into: Float64Array, newLo: number, newHi: number): void {
    const bins = this.bins;
    if (!(this.hi > this.lo)) {
      // All values so far were one number: they all land in that number's bin.
      const total = this.counts.reduce((a, b) => a + b, 0);
      into[binOf(this.lo, newLo, newHi, bins)]! += total;
      return;
    }
    const fine = bins * UPSAMPLE_RATE;
    const fineWidth = (this.hi - this.lo) / fine;
    const newWidth = (newHi - newLo) / bins;
    for (let i = 0; i < bins; i++) {
      const share = this.counts[i]! / UPSAMPLE_RATE;
      if (share === 0) continue;
      for (let k = 0; k < UPSAMPLE_RATE; k++) {
        const mid = this.lo + (i * UPSAMPLE_RATE + k + 0.5) * fineWidth;
        let b = Math.floor((mid - newLo) / newWidth);
        if (b < 0) b = 0;
        else if (b >= bins) b = bins - 1;
        into[b]! += share;
      }
    }
  }

  /** null until a finite value arrived. */
  snapshot(): CalibrationHistogram | null {
    if (this.lo > this.hi) return null;
    return { counts: this.counts.slice(), lo: this.lo, hi: this.hi };
  }
}

function binOf(v: number, lo: number, hi: number, bins: number): number {
  if (!(hi > lo)) return 0;
  return Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)));
}
