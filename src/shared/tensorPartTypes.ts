/**
 * What the threads analysing parts of one large tensor send back to be merged
 * (core/analysis/engine/tensorParts.ts): plain sums, merged in part order.
 */

/** Elements [from, to) of a tensor, in row-major order. */
export interface ElementRange {
  readonly from: number;
  readonly to: number;
}

/** What a per-group pass tracks besides its errors: the scale spread and how many groups were degenerate. */
export interface GroupTally {
  readonly groups: number;
  readonly degenerateGroups: number;
  readonly scaleMin: number;
  readonly scaleMax: number;
}

/** Pass 1 over some elements: the STATS accumulator, and for each channel axis its min/max pairs. */
export interface StatsSums {
  readonly stats: Float64Array;
  readonly ranges: ReadonlyMap<number, Float64Array>;
}

/** Pass 2 over some elements for one scheme, before pass 1's sum of x^2 is put in (named formats: all in, xErr and clipped 0). */
export interface SchemeSums {
  /** The ERR accumulator (core/metrics/errorStatsKernel.ts). */
  readonly acc: Float64Array;
  /** Fused schemes: the sum of x (x - deq); 0 otherwise. */
  readonly xErr: number;
  /** Error buckets; null when percentiles are not asked for. */
  readonly errHist: Float64Array | null;
  /** Histogram counts of deq. */
  readonly deqCounts: Float64Array;
  readonly clipped: number;
  /** Per-group schemes only. */
  readonly tally: GroupTally | null;
}

export interface ErrorSums {
  /** The weights' histogram counts. */
  readonly weights: Float64Array;
  readonly schemes: readonly SchemeSums[];
}

/** Pass 2 of one part of a tensor: the int schemes' sums and the weights' histogram, then each named format's sums, in the order asked. */
export interface PartErrorSums extends ErrorSums {
  readonly formats: readonly SchemeSums[];
}
