import type { Convention, IntMode } from '../../../shared/analysisTypes';
import { affineRoundTripRun } from '../affine/affineKernel';
import { computeQParams } from '../affine/qparams';
import { binCenter, binEdge, type CalibrationHistogram } from './calibrationHistogram';
import { ENTROPY_START_BIN } from './entropyModelOpt';
import type { ClipRange } from './rangeTypes';

/** Asymmetric search: candidate edges per side, at most this many (the scoring is O(bins) each). */
const MSE_SIDE_CANDIDATES = 512;
/** Asymmetric search: rounds of coordinate descent (lo given hi, then hi given lo); it settles in 2-4. */
const MSE_MAX_ROUNDS = 8;

/**
 * The clipping range minimising the tensor's own quantization MSE, estimated on its histogram
 * (ModelOpt `_compute_amax_mse` style: every bin's count sits at the bin centre, and a candidate
 * scores Σ count · (fakequant(centre) − centre)²). The fake quantizer is the scheme's own
 * (convention, bits, mode), not ModelOpt's narrow-range one.
 *   symmetric: candidates amax = centre of |x| bin i, i >= 128 (ModelOpt's start_bin), scored on the
 *   |x| histogram (the negative side assumed to clip like the positive); first minimum wins.
 *   asymmetric: coordinate descent on the x histogram over [min, max]: the lower clip among the
 *   left half's edges, the upper among the right half's, alternately, until neither moves.
 */
export function mseRange(
  h: { absolute: CalibrationHistogram; signed: CalibrationHistogram }, min: number, max: number,
  bits: number, mode: IntMode, convention: Convention,
): ClipRange {
  if (mode === 'symmetric') {
    const scorer = new HistogramScorer(h.absolute, bits, mode, convention);
    let best = binEdge(h.absolute, h.absolute.counts.length);
    let bestScore = scorer.score(-best, best);
    for (let i = Math.min(ENTROPY_START_BIN, h.absolute.counts.length - 1); i < h.absolute.counts.length; i++) {
      const amax = binCenter(h.absolute, i);
      const s = scorer.score(-amax, amax);
      if (s < bestScore) {
        bestScore = s;
        best = amax;
      }
    }
    return { min: -best, max: best };
  }
  const sh = h.signed;
  const n = sh.counts.length;
  const scorer = new HistogramScorer(sh, bits, mode, convention);
  const stride = Math.max(1, Math.ceil(n / 2 / MSE_SIDE_CANDIDATES));
  let lo = min;
  let hi = max;
  let bestScore = scorer.score(lo, hi);
  for (let round = 0; round < MSE_MAX_ROUNDS; round++) {
    let moved = false;
    for (let k = 0; k < n / 2; k += stride) {
      const s = scorer.score(binEdge(sh, k), hi);
      if (s < bestScore) {
        bestScore = s;
        lo = binEdge(sh, k);
        moved = true;
      }
    }
    for (let k = n; k > n / 2; k -= stride) {
      const s = scorer.score(lo, binEdge(sh, k));
      if (s < bestScore) {
        bestScore = s;
        hi = binEdge(sh, k);
        moved = true;
      }
    }
    if (!moved) break;
  }
  return { min: lo, max: hi };
}

/** Σ count · (fakequant(centre) − centre)² over the non-empty bins of a histogram. */
class HistogramScorer {
  private readonly centers: Float32Array;
  private readonly counts: Float64Array;
  private readonly deq: Float32Array;

  constructor(h: CalibrationHistogram, private readonly bits: number, private readonly mode: IntMode, private readonly convention: Convention) {
    const used: number[] = [];
    for (let i = 0; i < h.counts.length; i++) if (h.counts[i]! > 0) used.push(i);
    this.centers = Float32Array.from(used, (i) => binCenter(h, i));
    this.counts = Float64Array.from(used, (i) => h.counts[i]!);
    this.deq = new Float32Array(used.length);
  }

  score(lo: number, hi: number): number {
    const p = computeQParams(lo, hi, this.bits, this.mode, this.convention);
    affineRoundTripRun(this.centers, this.deq, 0, this.centers.length, p.scale, p.zeroPoint, p.qmin, p.qmax, p.multiplyByInverse);
    let s = 0;
    for (let j = 0; j < this.centers.length; j++) {
      const e = this.deq[j]! - this.centers[j]!;
      s += this.counts[j]! * e * e;
    }
    return s;
  }
}
