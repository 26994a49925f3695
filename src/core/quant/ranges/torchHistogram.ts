import type { CalibrationHistogram } from './calibrationHistogram';
import type { ClipRange } from './rangeTypes';

const f32 = Math.fround;

/** torch: observer.py _non_linear_param_search stepsize = 1e-5. */
const STEP = 1e-5;

/**
 * torch.ao.quantization.HistogramObserver's range search (`_non_linear_param_search` with
 * `_compute_quantization_error`), ported from torch 1.13, float32 where torch computes on float32
 * tensors. Input: the 2048-bin histogram of x over [min, max] (torch.histc binning).
 *
 * Target levels: 2^bits. torch always uses 2^8 (dst_nbins from the dtype, even with a custom
 * quant_min/quant_max), so this is an exact port at 8 bits and the evident intent at others.
 * Known deviation: torch sums the per-bin errors in float32 (vectorised order), QuantLens in
 * float64, which can move the stopping step when two candidates' errors agree to ~1e-7.
 */
export function torchHistogramRange(h: CalibrationHistogram, bits: number): ClipRange {
  const hist = h.counts;
  const bins = hist.length;
  const min = f32(h.lo);
  const max = f32(h.hi);
  const dstBins = 2 ** bits;
  const binWidth32 = f32(f32(max - min) / bins);
  const total = hist.reduce((a, b) => a + b, 0);
  const cSum = new Float64Array(bins);
  let running = 0;
  for (let i = 0; i < bins; i++) {
    running += hist[i]!;
    cSum[i] = f32(running);
  }
  let alpha = 0;
  let beta = 1;
  let startBin = 0;
  let endBin = bins - 1;
  let normMin = Infinity;
  while (alpha < beta) {
    const nextAlpha = alpha + STEP;
    const nextBeta = beta - STEP;
    // torch compares float32 tensor elements with Python floats in float32
    const alphaBound = f32(nextAlpha * total);
    const betaBound = f32(nextBeta * total);
    let l = startBin;
    let r = endBin;
    while (l < endBin && cSum[l]! < alphaBound) l++;
    while (r > startBin && cSum[r]! > betaBound) r--;
    let nextStart = startBin;
    let nextEnd = endBin;
    if (l - startBin > endBin - r) {
      nextStart = l;
      alpha = nextAlpha;
    } else {
      nextEnd = r;
      beta = nextBeta;
    }
    if (nextStart === startBin && nextEnd === endBin) continue;
    const norm = quantizationError(hist, min, max, dstBins, nextStart, nextEnd);
    if (norm > normMin) break;
    normMin = norm;
    startBin = nextStart;
    endBin = nextEnd;
  }
  return { min: f32(min + f32(binWidth32 * startBin)), max: f32(min + f32(binWidth32 * (endBin + 1))) };
}

/** torch: observer.py HistogramObserver._compute_quantization_error (L2, uniform density per bin). */
function quantizationError(hist: Float64Array, min: number, max: number, dstBins: number, start: number, end: number): number {
  const bins = hist.length;
  const binWidth = (max - min) / bins;
  const dstBinWidth = (binWidth * (end - start + 1)) / dstBins;
  if (dstBinWidth === 0) return 0;
  const bw = f32(binWidth);
  const dbw = f32(dstBinWidth);
  const halfDst = f32(dstBinWidth / 2);
  const negHalfDst = f32(-dstBinWidth / 2);
  const fullBinNorm = cubeDiff(negHalfDst, halfDst);
  let sum = 0;
  for (let k = 0; k < bins; k++) {
    const count = hist[k]!;
    if (count === 0) continue;
    const begin = f32(f32(k - start) * bw);
    const binEnd = f32(begin + bw);
    const dBegin = clampBin(floorDivide(begin, dbw), dstBins);
    const dEnd = clampBin(floorDivide(binEnd, dbw), dstBins);
    const density = f32(count / bw);
    const beginCenter = f32(f32(dBegin + 0.5) * dbw);
    let norm = f32(density * cubeDiff(f32(begin - beginCenter), halfDst));
    norm = f32(norm + f32(f32(dEnd - dBegin - 1) * f32(density * fullBinNorm)));
    const endCenter = f32(f32(dEnd * dbw) + halfDst);
    norm = f32(norm + f32(density * cubeDiff(negHalfDst, f32(binEnd - endCenter))));
    sum += norm;
  }
  return sum;
}

/** (e³ - b³) / 3 in float32, as _get_norm computes it. */
function cubeDiff(b: number, e: number): number {
  return f32(f32(f32(f32(e * e) * e) - f32(f32(b * b) * b)) / 3);
}

function clampBin(v: number, dstBins: number): number {
  return Math.min(Math.max(v, 0), dstBins - 1);
}

/** torch.div(a, b, rounding_mode='floor') on float32 (ATen div_floor: fmod-based, then floor with a 0.5 correction). */
function floorDivide(a: number, b: number): number {
  const mod = f32(a % b);
  let div = f32(f32(a - mod) / b);
  if (mod !== 0 && b < 0 !== mod < 0) div = f32(div - 1);
  if (div === 0) return 0;
  let fl = Math.floor(div);
  if (f32(div - fl) > 0.5) fl += 1;
  return fl;
}
