import { binEdge, type CalibrationHistogram } from './calibrationHistogram';

/** onnxruntime: calibrate.py smooth_distribution eps. */
const SMOOTH_EPS = 0.0001;
/** onnxruntime: create_calibrator Entropy num_quantized_bins=128. */
export const ORT_NUM_QUANTIZED_BINS = 128;

const f32 = Math.fround;

/**
 * onnxruntime: calibrate.py HistogramCollector.get_entropy_threshold over a symmetric histogram
 * of x on [-t, t]: for each half-width i from num_quantized_bins/2 to bins/2, P = the centred
 * slice with the outliers folded into its end bins, Q = the slice merged into num_quantized_bins
 * (integer division of the merged counts, as ORT stores q in an int64 array), both smoothed
 * (eps 1e-4, in float32), KL = scipy.stats.entropy(P, Q); the first argmin wins, then the
 * threshold is clamped to [min, max]. With ORT's defaults (128 and 128) there is one candidate:
 * the full range (algorithms.md ⚠), identical to ORT.
 * Known deviation: scipy evaluates the KL of ORT's float32 arrays in float32, QuantLens in float64.
 * Where the KL curve is flat (every half-width whose slice fits in the quantized bins) the two can
 * pick different thresholds of equal KL to ~1e-7.
 */
export function ortEntropyRange(h: CalibrationHistogram, min: number, max: number, numQuantizedBins = ORT_NUM_QUANTIZED_BINS): { min: number; max: number } {
  const hist = h.counts;
  const numBins = hist.length;
  const zero = Math.floor(numBins / 2);
  const halfQ = Math.floor(numQuantizedBins / 2);
  let best = { lo: binEdge(h, 0), hi: binEdge(h, numBins) };
  let bestKl = Infinity;
  for (let i = halfQ; i <= zero; i++) {
    const start = zero - i;
    const end = Math.min(zero + i + 1, numBins);
    const size = end - start;
    const p = new Float64Array(size);
    for (let j = 0; j < size; j++) p[j] = hist[start + j]!;
    for (let j = 0; j < start; j++) p[0]! += hist[j]!;
    for (let j = end; j < numBins; j++) p[size - 1]! += hist[j]!;
    const merged = Math.floor(size / numQuantizedBins);
    const quantized = new Float64Array(numQuantizedBins);
    for (let k = 0; k < numQuantizedBins; k++) {
      for (let j = k * merged; j < k * merged + merged; j++) quantized[k]! += hist[start + j]!;
    }
    for (let j = numQuantizedBins * merged; j < size; j++) quantized[numQuantizedBins - 1]! += hist[start + j]!;
    const q = new Float64Array(size);
    for (let k = 0; k < numQuantizedBins; k++) {
      let norm = 0;
      for (let j = k * merged; j < k * merged + merged; j++) if (p[j]! !== 0) norm++;
      if (norm !== 0) for (let j = k * merged; j < k * merged + merged; j++) q[j] = Math.trunc(quantized[k]! / norm);
    }
    const ps = smooth(p);
    const qs = smooth(q);
    const kl = ps && qs ? klDivergence(ps, qs) : Infinity;
    if (kl < bestKl) {
      bestKl = kl;
      best = { lo: binEdge(h, start), hi: binEdge(h, end) };
    }
  }
  return { min: Math.max(best.lo, min), max: Math.min(best.hi, max) };
}

/** onnxruntime: calibrate.py smooth_distribution (float32): zeros get eps, the others lose eps * zeros / nonzeros. */
function smooth(p: Float64Array): Float64Array | null {
  let zeros = 0;
  for (const v of p) if (v === 0) zeros++;
  const nonzeros = p.length - zeros;
  if (nonzeros === 0) return null;
  const eps1 = (SMOOTH_EPS * zeros) / nonzeros;
  return p.map((v) => (v === 0 ? f32(SMOOTH_EPS) : f32(f32(v) - f32(eps1))));
}

/** scipy.stats.entropy(p, q): both normalised, sum of p log(p / q). */
function klDivergence(p: Float64Array, q: Float64Array): number {
  let sp = 0;
  let sq = 0;
  for (let j = 0; j < p.length; j++) {
    sp += p[j]!;
    sq += q[j]!;
  }
  let kl = 0;
  for (let j = 0; j < p.length; j++) {
    const a = p[j]! / sp;
    const b = q[j]! / sq;
    if (a > 0) kl += b > 0 ? a * Math.log(a / b) : Infinity;
  }
  return kl;
}
