import { UsageError } from '../../errors';
import type { PlanTargetName } from '../planTypes';
import { LLAMA_CPP_TENSOR_TYPES } from './llamaCpp';
import { LLM_COMPRESSOR_RECIPE } from './llmCompressor';
import { MODELOPT_HF_QUANT_CONFIG, MODELOPT_QUANT_CFG } from './modelopt';
import { ONNXRUNTIME_CONFIG } from './onnxruntime';
import type { PlanExport } from './planExport';
import { TORCHAO_SNIPPET } from './torchao';

export type { PlanExport } from './planExport';

/** Every --export, by name: what each tool reads. */
export const PLAN_EXPORTS: readonly PlanExport[] = [
  LLAMA_CPP_TENSOR_TYPES, ONNXRUNTIME_CONFIG, MODELOPT_QUANT_CFG, MODELOPT_HF_QUANT_CONFIG, TORCHAO_SNIPPET, LLM_COMPRESSOR_RECIPE,
];

/** The export named `name` for a plan of `target`; a UsageError naming the ones that fit otherwise. */
export function exportFor(name: string, target: PlanTargetName): PlanExport {
  const fitting = PLAN_EXPORTS.filter((e) => e.target === target);
  const found = fitting.find((e) => e.name === name);
  if (found) return found;
  throw new UsageError(`plan: --export ${name} for a ${target} plan (one of ${fitting.map((e) => e.name).join(', ')})`);
}
