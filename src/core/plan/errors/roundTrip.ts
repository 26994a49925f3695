import { assertNever } from '../../../shared/assertNever';
import { UsageError } from '../../errors';
import { affineRoundTripRun } from '../../quant/affine/affineKernel';
import { computeQParams } from '../../quant/affine/qparams';
import { ggmlRoundTrip } from '../../quant/formats/ggmlRoundTrip';
import { BF16, FP16, minifloatRoundTripRun } from '../../quant/formats/minifloat';
import { mxfp4RoundTripBlock } from '../../quant/formats/mxfp4';
import { candidateName, MXFP4_BLOCK, type Candidate } from '../costModel';

/** Writes Q(x) for x[from..to) (whole rows) into deq[from..to): the stored-then-loaded values. */
export type RoundTrip = (x: Float32Array, deq: Float32Array, from: number, to: number) => void;

/** Runs `block` over x[from..to) in runs of `size` values (rows are whole runs). */
function inRuns(size: number, block: (x: Float32Array, deq: Float32Array, from: number, to: number) => void): RoundTrip {
  return (x, deq, from, to) => {
    for (let i = from; i < to; i += size) block(x, deq, i, Math.min(i + size, to));
  };
}

/** Integer groups along the row: min/max of each group (finite values), symmetric or asymmetric as the candidate stores zero points. */
function intGroups(bits: number, size: number, asymmetric: boolean): RoundTrip {
  return inRuns(size, (x, deq, from, to) => {
    let min = 0;
    let max = 0;
    for (let i = from; i < to; i++) {
      const v = x[i]!;
      if (v - v !== 0) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const q = computeQParams(min, max, bits, asymmetric ? 'asymmetric' : 'symmetric', 'lecture');
    affineRoundTripRun(x, deq, from, to, q.scale, q.zeroPoint, q.qmin, q.qmax, q.multiplyByInverse);
  });
}

/**
 * The existing quantizers, one per candidate kind, over chunks of whole rows of `rowLength`
 * values: ggml's reference quantizers, minifloat casts, MXFP4 blocks, integer groups. Kinds
 * whose scale spans the whole tensor (or the flattened tensor) are refused with a UsageError.
 */
export function roundTripOf(candidate: Candidate, rowLength: number): RoundTrip {
  const refuse = (why: string): never => {
    throw new UsageError(`predicted errors for ${candidateName(candidate)} are not computed yet (${why}); choose other --candidates`);
  };
  switch (candidate.kind) {
    case 'keep':
      return (x, deq, from, to) => deq.set(x.subarray(from, to), from);
    case 'ggml': {
      const type = candidate.type;
      return (x, deq, from, to) => ggmlRoundTrip(type, x, deq, from, to);
    }
    case 'float': {
      const type = candidate.type;
      switch (type) {
        case 'F32':
          return (x, deq, from, to) => deq.set(x.subarray(from, to), from);
        case 'F16':
          return (x, deq, from, to) => minifloatRoundTripRun(x, deq, from, to, FP16);
        case 'BF16':
          return (x, deq, from, to) => minifloatRoundTripRun(x, deq, from, to, BF16);
        default:
          return assertNever(type, 'float type');
      }
    }
    case 'mxfp4':
      return inRuns(MXFP4_BLOCK, (x, deq, from, to) => void mxfp4RoundTripBlock(x, deq, from, to));
    case 'int':
      if (candidate.group === 'tensor') return refuse('a per-tensor scale needs a pass of its own');
      return intGroups(candidate.bits, candidate.group === 'channel' ? rowLength : candidate.group, candidate.zero === 'packed' || candidate.zero === 'scale');
    case 'bnb4':
      return refuse('its blocks run over the flattened tensor');
    case 'nvfp4':
      return refuse('its FP32 scale spans the whole tensor');
    case 'fp8':
      return refuse('not implemented for FP8');
    default:
      return assertNever(candidate, 'candidate');
  }
}
