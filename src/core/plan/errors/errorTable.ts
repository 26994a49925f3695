import { candidateName, errorKeyOf, type Candidate } from '../costModel';
import type { PlanTensor } from '../planTypes';

/**
 * The relative error `t = ||W - Q(W)|| / ||W||` of storing each tensor under each candidate
 * (weighted by the imatrix column weights when one was given), by tensor name, then by candidate
 * error key (errorKeyOf: Q4_K, F16, int4_g128@modelopt, ...). Plain JSON: it crosses the worker boundary
 * and is what the cache stores.
 */
export interface ErrorTable {
  /** True when the errors are imatrix-weighted. */
  readonly weighted: boolean;
  readonly relErr: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** True when the candidate stores the tensor exactly as it is stored (keep, or its own float type): no error. */
export function isExactCopy(candidate: Candidate, tensor: PlanTensor): boolean {
  return candidate.kind === 'keep' || ((candidate.kind === 'float' || candidate.kind === 'ggml') && candidate.type === tensor.type);
}

/** A tensor's relative error under a candidate: 0 for an exact copy. */
export function relErrOf(table: ErrorTable, tensor: PlanTensor, candidate: Candidate): number {
  if (isExactCopy(candidate, tensor)) return 0;
  const t = table.relErr[tensor.name]?.[errorKeyOf(candidate)];
  if (t === undefined) throw new Error(`no error computed for ${tensor.name} as ${candidateName(candidate)}`);
  return t;
}

/** SQNR in dB of a relative error (signal over noise power): -20 log10 t; Infinity for an exact copy. */
export function sqnrDbOf(relErr: number): number {
  return relErr > 0 ? -20 * Math.log10(relErr) : Infinity;
}
