/**
 * A two-file comparison (CLI.md `compare`), as the core measures it and the CLI's JSON, the exports,
 * the worker protocol and the Compare panel carry it: one home for every side.
 */
import type { Histogram } from './analysisTypes';
import type { StorageId } from './storageIds';
import type { DType } from './vocab/dtypes';

/**
 * How the candidate's layout differs from the reference's (CLI.md `compare`); `split:<part>` when one
 * side is a fused tensor (qkv, gate_up) and the pair is its rows of that part.
 */
export type Transform = 'none' | 'rope-permute' | 'transpose' | `split:${string}`;

/** One measured pair, as CLI.md's `compare` JSON lists it. */
export interface ComparedPairView {
  readonly reference: string;
  readonly candidate: string;
  readonly referenceDtype: DType;
  readonly candidateDtype: DType;
  /** Set when the candidate tensor was decoded from a quantized storage (GPTQ qweight + scales + ..., ONNX QDQ, ...); its dtype is then F32. */
  readonly candidateStorage?: StorageId;
  readonly shape: readonly number[];
  readonly transform: Transform;
  readonly mse: number;
  readonly maxAbsErr: number;
  /** null when the candidate equals the reference. */
  readonly sqnrDb: number | null;
  readonly cosine: number;
  /** ‖x - y‖ / ‖x‖; null when the reference is all zero. */
  readonly relFrobenius: number | null;
  /** Non-finite values in the reference and in the candidate (excluded from the metrics). */
  readonly nonFinite: { readonly reference: number; readonly candidate: number };
  /** SQNR of the reference round-tripped through ggml's quantizer of the candidate's type; null when exact or not a ggml type. */
  readonly requantizedSqnrDb: number | null;
}

export type FindingKind = 'file-type-mix' | 'non-finite' | 'shape-mismatch' | 'dtype-mismatch' | 'sqnr-below-requantized' | 'undecodable-storage' | 'plan-deviation';

/** A finding as it is shown: the kind is an open string, so a kind the panel does not know yet still shows. */
export interface CompareFindingView {
  readonly kind: string;
  /** The tensor concerned (candidate name), or null for the whole file. */
  readonly tensor: string | null;
  readonly message: string;
}

/** A finding as the core makes it: one of the kinds CLI.md lists. */
export interface CompareFinding extends CompareFindingView {
  readonly kind: FindingKind;
}

export interface CompareOutcome {
  readonly reference: string;
  readonly candidate: string;
  readonly pairs: readonly ComparedPairView[];
  readonly unpaired: { readonly reference: readonly string[]; readonly candidate: readonly string[] };
  readonly findings: readonly CompareFindingView[];
}

/** How names are matched (CLI.md `compare --map`): translated between conventions, identical only, or a user's JSON file. */
export type CompareMapping =
  | { readonly kind: 'auto' }
  | { readonly kind: 'none' }
  | { readonly kind: 'file'; readonly map: Readonly<Record<string, string>> };

/** One pair of the table, named by its two tensors and the transform that lines them up (as the webview sends it, unchecked). */
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
