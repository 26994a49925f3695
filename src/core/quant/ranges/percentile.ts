import type { IntMode } from '../../../shared/analysisTypes';
import { binEdge, totalCount, type CalibrationHistogram, type CalibrationHistograms } from './calibrationHistogram';
import type { ClipRange } from './rangeTypes';

/**
 * onnxruntime: calibrate.py HistogramCollector.compute_percentile.
 * Symmetric: on |x|, a = edge[searchsorted(cdf, P/100)], range (-a, a).
 * Asymmetric: on x over [-max|x|, max|x|], cutting (100 - P)/2 % from each tail:
 * (edge[searchsorted(cdf, cut)], edge[searchsorted(cdf, 1 - cut)]).
 * cdf = cumsum(hist / total) in float64; the edge taken is the left edge of the bin where the
 * cdf reaches the fraction (ModelOpt's _compute_amax_percentile does the same). Both ends are
 * then clamped to the data's [min, max].
 */
export function percentileRange(p: number, h: CalibrationHistograms, min: number, max: number, mode: IntMode): ClipRange {
  let lo: number;
  let hi: number;
  if (mode === 'symmetric') {
    const a = binEdge(h.absolute, searchCdf(h.absolute, p / 100));
    lo = -a;
    hi = a;
  } else {
    const cut = (100 - p) / 200;
    lo = binEdge(h.centered, searchCdf(h.centered, cut));
    hi = binEdge(h.centered, searchCdf(h.centered, 1 - cut));
  }
  return { min: Math.max(lo, min), max: Math.min(hi, max) };
}

/** numpy.searchsorted(cumsum(hist / total), q, side='left'): the first bin whose cdf reaches q (bins when none). */
function searchCdf(h: CalibrationHistogram, q: number): number {
  const total = totalCount(h);
  if (total === 0) return h.counts.length;
  let cdf = 0;
  for (let i = 0; i < h.counts.length; i++) {
    cdf += h.counts[i]! / total;
    if (cdf >= q) return i;
  }
  return h.counts.length;
}
