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
  readonly sources: readonly {
    readonly name: string; readonly matrixOffset: number; readonly transposed?: boolean;
    /** Only these planned rows of the source (a part of the tensor). */
    readonly rows?: { readonly first: number; readonly count: number };
  }[];
  /** The planned tensor in ggml terms (ne[0] values per row). */
  readonly tensor: { readonly name: string; readonly ne: readonly number[]; readonly numel: number; readonly type: DType; readonly bytes: number };
  /** imatrix column weights (ne[0] per matrix), or null. */
  readonly weights: Float32Array | null;
}

/** The error sums of the tensor or part asked for: sum w x^2, and sum w (x - Q(x))^2 by candidate error key. */
export interface PlanErrorResult {
  readonly signal: number;
  readonly noise: Readonly<Record<string, number>>;
}
