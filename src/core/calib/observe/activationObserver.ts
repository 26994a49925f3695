/**
 * Everything observed about one activation over the calibration batches: running min/max exactly
 * as torch's MinMaxObserver keeps them (aminmax per batch, then min/max), and the two streaming
 * histograms the range methods read.
 */
import type { Histogram } from '../../../shared/analysisTypes';
import type { RangeInput } from '../../quant/ranges/chooseRange';
import { ORT_ENTROPY_BINS } from '../../quant/ranges/calibrationHistogram';
import { StreamingHistogram } from './streamingHistogram';

/** Bins of the histogram a report carries for display (the range methods use the full 2048). */
export const DISPLAY_BINS = 128;

export class ActivationObserver {
  min = Infinity;
  max = -Infinity;
  count = 0;
  nonFinite = 0;
  shape: readonly number[] = [];
  private readonly signed = new StreamingHistogram('signed');
  private readonly absolute = new StreamingHistogram('absolute');
  private readonly centered = new StreamingHistogram('centered');
  private readonly centeredOrtEntropy = new StreamingHistogram('centered', ORT_ENTROPY_BINS);

  add(x: Float32Array, dims: readonly number[]): void {
    this.shape = dims;
    let lo = Infinity;
    let hi = -Infinity;
    let bad = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v - v !== 0) {
        bad++;
        continue;
      }
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.nonFinite += bad;
    this.count += x.length - bad;
    if (lo > hi) return;
    if (lo < this.min) this.min = lo;
    if (hi > this.max) this.max = hi;
    for (const h of [this.signed, this.absolute, this.centered, this.centeredOrtEntropy]) h.add(x, lo, hi);
  }

  /** null when no finite value was seen. */
  rangeInput(): RangeInput | null {
    const signed = this.signed.snapshot();
    const absolute = this.absolute.snapshot();
    const centered = this.centered.snapshot();
    const centeredOrtEntropy = this.centeredOrtEntropy.snapshot();
    if (!signed || !absolute || !centered || !centeredOrtEntropy) return null;
    return { min: this.min, max: this.max, calibration: { signed, absolute, centered, centeredOrtEntropy } };
  }

  /** The signed histogram summed down to DISPLAY_BINS bins. */
  displayHistogram(): Histogram {
    const h = this.signed.snapshot();
    if (!h) return { min: 0, max: 0, counts: [] };
    const per = Math.max(1, Math.floor(h.counts.length / DISPLAY_BINS));
    const counts: number[] = [];
    for (let i = 0; i < h.counts.length; i += per) {
      let s = 0;
      for (let j = i; j < Math.min(i + per, h.counts.length); j++) s += h.counts[j]!;
      counts.push(Math.round(s * 1000) / 1000);
    }
    return { min: h.lo, max: h.hi, counts };
  }
}
