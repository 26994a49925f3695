import type { DType } from '../../../shared/vocab/dtypes';
import type { PlanTensor } from '../planTypes';

/**
 * The relative error `t = ||W - Q(W)|| / ||W||` of storing each tensor as each type (weighted by
 * the imatrix column weights when one was given), by tensor name, then by type name. Plain JSON:
 * it crosses the worker boundary and is what the cache stores.
 */
export interface ErrorTable {
  /** True when the errors are imatrix-weighted. */
  readonly weighted: boolean;
  readonly relErr: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** A tensor's relative error as `type`: 0 when that is how it is stored already. */
export function relErrOf(table: ErrorTable, tensor: PlanTensor, type: DType): number {
  if (type === tensor.type) return 0;
  const t = table.relErr[tensor.name]?.[type];
  if (t === undefined) throw new Error(`no error computed for ${tensor.name} as ${type}`);
  return t;
}

/** SQNR in dB of a relative error (signal over noise power): -20 log10 t; Infinity for an exact copy. */
export function sqnrDbOf(relErr: number): number {
  return relErr > 0 ? -20 * Math.log10(relErr) : Infinity;
}
