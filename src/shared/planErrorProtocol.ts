/**
 * The worker method that prices one planned tensor under candidates (core/plan/errors): plain
 * data on both sides, so it crosses the thread boundary as is.
 */
import type { DType } from './vocab/dtypes';

export interface PlanErrorParams {
  readonly paths: readonly string[];
  /** The plan target whose candidate names `candidates` are (PlanTargetName). */
  readonly target: string;
  /** Candidate names as the target parses them (Q4_K, int4_g128, ...). */
  readonly candidates: readonly string[];
  /** The tensor(s) of the input file(s) the planned tensor is read from. */
  readonly sources: readonly { readonly name: string; readonly matrixOffset: number; readonly transposed?: boolean }[];
  /** The planned tensor in ggml terms (ne[0] values per row). */
  readonly tensor: { readonly name: string; readonly ne: readonly number[]; readonly numel: number; readonly type: DType; readonly bytes: number };
  /** imatrix column weights (ne[0] per matrix), or null. */
  readonly weights: Float32Array | null;
}

/** Relative error by candidate name. */
export type PlanErrorResult = Record<string, number>;
