import type { DType } from '../../shared/vocab/dtypes';
import type { StorageId } from '../decode/storage';

/**
 * How the candidate's layout differs from the reference's (CLI.md `compare`); `split:<part>` when one
 * side is a fused tensor (qkv, gate_up) and the pair is its rows of that part.
 */
export type Transform = 'none' | 'rope-permute' | 'transpose' | `split:${string}`;

/** One measured pair, as CLI.md's `compare` JSON lists it. */
export interface ComparedPair {
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

export interface Finding {
  readonly kind: FindingKind;
  /** The tensor concerned (candidate name), or null for the whole file. */
  readonly tensor: string | null;
  readonly message: string;
}

export interface CompareResult {
  readonly reference: string;
  readonly candidate: string;
  readonly pairs: readonly ComparedPair[];
  readonly unpaired: { readonly reference: readonly string[]; readonly candidate: readonly string[] };
  readonly findings: readonly Finding[];
}

/** How names are matched (`--map`): translated between conventions, identical only, or a user's JSON file. */
export type NameMapping =
  | { readonly kind: 'auto' }
  | { readonly kind: 'none' }
  | { readonly kind: 'file'; readonly map: Readonly<Record<string, string>> };
