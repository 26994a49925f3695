/**
 * Progressive results: a first estimate of a tensor's Layers-table figures from a deterministic
 * sample of it, with a confidence interval, shown until the exact TensorResult replaces it.
 * Shared by the core, the worker, the extension host, the webview and the CLI.
 */
import type { Scheme } from './analysisTypes';

/** Confidence level of every interval. */
export const ESTIMATE_CONFIDENCE = 0.95;

/** A figure estimated from a sample: the exact value lies in value ± halfWidth at ESTIMATE_CONFIDENCE (0 when the sample is the whole tensor). */
export interface Estimated {
  readonly value: number;
  readonly halfWidth: number;
}

/** The table's figures of one scheme, estimated. */
export interface QuantEstimate {
  /** The scheme as the exact result will carry it (channel axis normalised). */
  readonly scheme: Scheme;
  readonly mse: Estimated;
  /** null when the sample's reconstruction is exact. */
  readonly sqnrDb: Estimated | null;
  readonly meanRelErrPct: Estimated;
  readonly cosine: Estimated;
  /** The sample's largest error: a lower bound of the tensor's (no interval). */
  readonly maxAbsErrLowerBound: number;
  /** Integer schemes only. */
  readonly clippedPct: Estimated | null;
  /**
   * The scale depends on a range over more than the sampled slices (per tensor, per channel on an
   * axis other than 0, NVFP4's tensor scale): it was taken from the sample, so the interval does not
   * cover the range's own error (a sample's range is never wider than the tensor's: error figures lean low).
   */
  readonly rangeFromSample: boolean;
}

export interface TensorEstimate {
  readonly name: string;
  readonly shape: readonly number[];
  readonly numel: number;
  /** Elements read for the estimate; equal to numel when the whole tensor was read (then every figure is exact). */
  readonly sampledElements: number;
  /** Slices of the first axis (or fixed runs of a vector) sampled, of how many. */
  readonly unitsSampled: number;
  readonly unitsTotal: number;
  /** One per scheme that applies to the whole tensor, in the order asked. */
  readonly results: readonly QuantEstimate[];
}

/** One thread's share of a model's estimates: the tensors at positions index, index + count, ... of the file order. */
export interface EstimateShare {
  readonly index: number;
  readonly count: number;
}
