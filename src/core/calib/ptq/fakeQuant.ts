/**
 * Weight fake quantization with the quant core's math: per tensor, per channel (axis 0 as stored,
 * as `analyze` does) or per group along the last axis; each run gets qparams from its min/max under
 * the convention, then the affine round trip.
 */
import type { Convention } from '../../../shared/analysisTypes';
import { affineRoundTripRun } from '../../quant/affine/affineKernel';
import { computeQParams } from '../../quant/affine/qparams';
import type { WeightConfig } from './configs';

/** The fake-quantized copy of `x` (shape `shape`, row-major). */
export function fakeQuantize(x: Float32Array, shape: readonly number[], config: WeightConfig, convention: Convention): Float32Array {
  const out = new Float32Array(x.length);
  const run = (from: number, to: number): void => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < to; i++) {
      const v = x[i]!;
      if (v - v !== 0) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo > hi) lo = hi = 0;
    const q = computeQParams(lo, hi, config.bits, config.mode, convention);
    affineRoundTripRun(x, out, from, to, q.scale, q.zeroPoint, q.qmin, q.qmax, q.multiplyByInverse);
  };
  if (config.granularity === 'tensor' || shape.length < 2) {
    run(0, x.length);
  } else if (config.granularity === 'channel') {
    const rows = shape[0]!;
    const rowSize = x.length / rows;
    for (let r = 0; r < rows; r++) run(r * rowSize, (r + 1) * rowSize);
  } else {
    const last = shape[shape.length - 1]!;
    const size = config.groupSize!;
    for (let start = 0; start < x.length; start += last) {
      for (let g = start; g < start + last; g += size) run(g, Math.min(g + size, start + last));
    }
  }
  return out;
}
