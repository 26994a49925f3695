import type { DType, GgmlDType } from '../../shared/vocab/dtypes';

/** A storage type a plan can assign: a ggml block type or a plain float, named as `inspect` names them. */
export type PlanType = GgmlDType | 'F32' | 'F16' | 'BF16';

/**
 * One tensor as a planner sees it, in ggml's terms: `ne[0]` is the row length (the innermost,
 * contiguous dimension), as llama-quantize's block-size checks read it.
 */
export interface PlanTensor {
  /** The name the target tool sees (GGUF names for llama.cpp). */
  readonly name: string;
  /** ggml order: ne[0] = values per row, then rows, then experts. */
  readonly ne: readonly number[];
  readonly numel: number;
  /** How the tensor is stored before planning (for a Hugging Face model: as the converter would write it). */
  readonly type: DType;
  readonly bytes: number;
  /** The tensor's name in the input file(s) when it differs from `name` (Hugging Face names, merged experts). */
  readonly sourceNames?: readonly string[];
}

/** What a tensor gets in a plan, and why. */
export interface PlannedTensor {
  readonly name: string;
  /** The planned storage type; a tensor kept as it is keeps its stored type. */
  readonly type: DType;
  readonly bytes: number;
  /** The type the rules asked for when a fallback replaced it, else null. */
  readonly requested: PlanType | null;
  /** Which rule, fallback or exclusion decided the type, in words. */
  readonly reason: string;
}

/** A whole plan: every tensor of the model, in the model's order. */
export interface Plan {
  readonly target: 'llama.cpp';
  readonly preset: string | null;
  readonly tensors: readonly PlannedTensor[];
  readonly totalBytes: number;
  /** Values of all tensors, norms and biases included (the denominator of bits per weight). */
  readonly totalValues: number;
  readonly bitsPerWeight: number;
}
