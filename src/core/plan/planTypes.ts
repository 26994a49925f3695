import type { DType, GgmlDType } from '../../shared/vocab/dtypes';
import type { Candidate } from './costModel';

/** The tools a plan can be made for (CLI.md `plan --target`), in the order help lists them; each has an entry in targets/. */
export const PLAN_TARGET_NAMES = ['llama.cpp', 'onnxruntime', 'modelopt', 'torchao', 'llm-compressor'] as const;

export type PlanTargetName = (typeof PLAN_TARGET_NAMES)[number];

export function isPlanTargetName(name: string): name is PlanTargetName {
  return (PLAN_TARGET_NAMES as readonly string[]).includes(name);
}

/** A storage type a plan can assign: a ggml block type or a plain float, named as `inspect` names them. */
export type PlanType = GgmlDType | 'F32' | 'F16' | 'BF16';

/**
 * One tensor as a planner sees it, in ggml's terms: `ne[0]` is the row length (the innermost,
 * contiguous dimension), as llama-quantize's block-size checks read it.
 */
export interface PlanTensor {
  /** The name the target tool sees (GGUF names for llama.cpp; the file's own Hugging Face / ONNX names for the other targets). */
  readonly name: string;
  /** ggml order: ne[0] = values per row, then rows, then experts. */
  readonly ne: readonly number[];
  readonly numel: number;
  /** How the tensor is stored before planning (for a Hugging Face model: as the converter would write it). */
  readonly type: DType;
  readonly bytes: number;
  /** The tensor's name in the input file(s) when it differs from `name` (Hugging Face names, merged experts). */
  readonly sourceNames?: readonly string[];
  /** ONNX only: the node that reads this initializer as its weight, and which input (ONNX Runtime quantizes per node). */
  readonly consumer?: {
    readonly node: string;
    readonly op: string;
    readonly input: number;
    /** The stored axis of the output channels N (per-channel scales run along it): 1 for MatMul B [K, N], 0 for Gemm B read with transB. */
    readonly channelAxis: number;
  };
}

/** What a tensor gets in a plan, and why. */
export interface PlannedTensor {
  readonly name: string;
  /**
   * The planned storage as plans show it: a ggml or float type as `inspect` names it (Q4_K, F16;
   * a tensor kept as it is shows its stored type), else the candidate's name (int4_g128, nvfp4, fp8).
   */
  readonly type: string;
  /** The planned storage exactly (`keep` for a tensor left as it is stored). */
  readonly candidate: Candidate;
  readonly bytes: number;
  /** The type the rules asked for when a fallback replaced it, else null. */
  readonly requested: PlanType | null;
  /** Which rule, fallback or exclusion decided the type, in words. */
  readonly reason: string;
}

/** A whole plan: every tensor of the model, in the model's order. */
export interface Plan {
  readonly target: PlanTargetName;
  readonly preset: string | null;
  readonly tensors: readonly PlannedTensor[];
  readonly totalBytes: number;
  /** Values of all tensors, norms and biases included (the denominator of bits per weight). */
  readonly totalValues: number;
  readonly bitsPerWeight: number;
}
