/**
 * A two-file comparison as the Compare panel, its exports and the worker protocol see it. The
 * core's CompareResult (src/core/compare/types.ts) is passed where this is expected, so the
 * compiler checks that it fits; kinds and transforms are open strings so new ones show as they come.
 */
import type { Histogram } from './analysisTypes';

export interface ComparedPairView {
  readonly reference: string;
  readonly candidate: string;
  readonly referenceDtype: string;
  readonly candidateDtype: string;
  /** The quantized storage the candidate was decoded from (gptq, awq, bnb-4bit, ...), when it was one. */
  readonly candidateStorage?: string;
  readonly shape: readonly number[];
  /** How the candidate's layout differs: none, rope-permute, transpose, ... */
  readonly transform: string;
  readonly mse: number;
  readonly maxAbsErr: number;
  /** null when the candidate equals the reference. */
  readonly sqnrDb: number | null;
  readonly cosine: number;
  /** null when the reference is all zero. */
  readonly relFrobenius: number | null;
  readonly nonFinite: { readonly reference: number; readonly candidate: number };
  readonly requantizedSqnrDb: number | null;
}

export interface CompareFindingView {
  readonly kind: string;
  /** The candidate tensor concerned, or null for the whole file. */
  readonly tensor: string | null;
  readonly message: string;
}

export interface CompareOutcome {
  readonly reference: string;
  readonly candidate: string;
  readonly pairs: readonly ComparedPairView[];
  readonly unpaired: { readonly reference: readonly string[]; readonly candidate: readonly string[] };
  readonly findings: readonly CompareFindingView[];
}

/** How names are matched (CLI.md `compare --map`). */
export type CompareMapping =
  | { readonly kind: 'auto' }
  | { readonly kind: 'none' }
  | { readonly kind: 'file'; readonly map: Readonly<Record<string, string>> };

/** One pair of the table, named by its two tensors and the transform that lines them up. */
export interface PairSpec {
  readonly reference: string;
  readonly candidate: string;
  readonly transform: string;
}

/** The drill-down's charts: both sides' values over one shared range, and the error x − y. */
export interface PairHistograms {
  readonly reference: Histogram;
  readonly candidate: Histogram;
  readonly error: Histogram;
}
