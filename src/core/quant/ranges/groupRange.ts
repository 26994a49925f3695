import type { Convention, IntMode } from '../../../shared/analysisTypes';
import { affineRoundTripRun } from '../affine/affineKernel';
import { computeQParams } from '../affine/qparams';
import type { ParsedRangeMethod } from '../../../shared/vocab/rangeMethods';
import type { ClipRange } from './rangeTypes';

/** AWQ auto_clip: n_grid = 20 ... */
const CLIP_GRID = 20;
/** ... and max_shrink = 0.5: ratios 1, 0.95, ..., 0.55 (int(0.5 · 20) = 10 candidates). */
const CLIP_STEPS = Math.floor(0.5 * CLIP_GRID);

/** Scratch memory for groupRange, sized for the longest group. */
export interface GroupScratch {
  readonly sorted: Float32Array;
  readonly deq: Float32Array;
}

export function newGroupScratch(groupLength: number): GroupScratch {
  return { sorted: new Float32Array(groupLength), deq: new Float32Array(groupLength) };
}

/**
 * The clipping range of one group, values[from..to) with finite range [min, max] (min <= max),
 * computed on the group's exact values:
 *   percentile:P: the order statistic the histogram method tends to with one value per bin,
 *   sorted[ceil(q·n) − 1] of |x| (symmetric, q = P/100) or of x at q = (100−P)/200 and 1 − q (asymmetric);
 *   mse: AWQ-style clip search, [r·min, r·max] for r = 1, 0.95, ..., 0.55, scored by the group's own
 *   squared error under the scheme's quantizer; the first minimum wins (r = 1 ties keep minmax).
 */
export function groupRange(
  method: ParsedRangeMethod, values: Float32Array, from: number, to: number, min: number, max: number,
  bits: number, mode: IntMode, convention: Convention, scratch: GroupScratch,
): ClipRange {
  const a = Math.max(-min, max);
  switch (method.kind) {
    case 'percentile': return percentileOfGroup(method.percentile, values, from, to, mode, scratch.sorted);
    case 'mse': return mseOfGroup(values, from, to, mode === 'symmetric' ? { min: -a, max: a } : { min, max }, bits, mode, convention, scratch.deq);
    // minmax: the only other method planSchemes admits per group (RANGE_METHOD_TABLE perGroup).
    default: return { min, max };
  }
}

function percentileOfGroup(p: number, values: Float32Array, from: number, to: number, mode: IntMode, sorted: Float32Array): ClipRange {
  let n = 0;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    if (v - v === 0) sorted[n++] = mode === 'symmetric' ? Math.abs(v) : v;
  }
  const s = sorted.subarray(0, n).sort();
  const at = (q: number): number => s[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
  if (mode === 'symmetric') {
    const a = at(p / 100);
    return { min: -a, max: a };
  }
  const cut = (100 - p) / 200;
  return { min: at(cut), max: at(1 - cut) };
}

function mseOfGroup(
  values: Float32Array, from: number, to: number, minmax: ClipRange, bits: number, mode: IntMode, convention: Convention, deq: Float32Array,
): ClipRange {
  const g = values.subarray(from, to);
  let best = minmax;
  let bestScore = Infinity;
  for (let step = 0; step < CLIP_STEPS; step++) {
    const r = 1 - step / CLIP_GRID;
    const candidate = { min: Math.fround(r * minmax.min), max: Math.fround(r * minmax.max) };
    const p = computeQParams(candidate.min, candidate.max, bits, mode, convention);
    affineRoundTripRun(g, deq, 0, g.length, p.scale, p.zeroPoint, p.qmin, p.qmax, p.multiplyByInverse);
    let score = 0;
    for (let i = 0; i < g.length; i++) {
      const e = deq[i]! - g[i]!;
      // Non-finite values are excluded from every metric, so from the score too.
      if (e - e === 0) score += e * e;
    }
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return best;
}
