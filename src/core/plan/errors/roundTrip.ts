import { assertNever } from '../../../shared/assertNever';
import { ggmlRoundTrip } from '../../quant/formats/ggmlRoundTrip';
import { BF16, FP16, minifloatRoundTripRun } from '../../quant/formats/minifloat';
import { isGgmlType, type Candidate } from '../costModel';
import type { PlanType } from '../planTypes';

/** Writes Q(x) for x[from..to) into deq[from..to): the stored-then-loaded values. */
export type RoundTrip = (x: Float32Array, deq: Float32Array, from: number, to: number) => void;

/** The name a candidate's errors are stored under: the type it stores a tensor as; null for keep (no error). */
export function errorKey(candidate: Candidate): string | null {
  switch (candidate.kind) {
    case 'keep':
      return null;
    case 'float':
    case 'ggml':
      return candidate.type;
    default:
      return assertNever(candidate, 'candidate');
  }
}

/** The candidate that stores a tensor as `type` (how a preset's types are priced in errors). */
export function candidateOfType(type: PlanType): Candidate {
  return isGgmlType(type) ? { kind: 'ggml', type } : { kind: 'float', type };
}

/** The existing quantizers, one per candidate kind: ggml's reference quantizers, minifloat casts. Null for keep. */
export function roundTripOf(candidate: Candidate): RoundTrip | null {
  switch (candidate.kind) {
    case 'keep':
      return null;
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
    default:
      return assertNever(candidate, 'candidate');
  }
}
