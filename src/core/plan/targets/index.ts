import { LLAMA_CPP_TARGET } from './llamaCpp';
import { LLM_COMPRESSOR_TARGET } from './llmCompressor';
import { MODELOPT_TARGET } from './modelopt';
import { ONNXRUNTIME_TARGET } from './onnxruntime';
import type { PlanTarget } from './planTarget';
import type { PlanTargetName } from '../planTypes';
import { TORCHAO_TARGET } from './torchao';

export type { PlanTarget } from './planTarget';
export { parseCandidateList } from './planTarget';
export { isPlanTargetName, PLAN_TARGET_NAMES, type PlanTargetName } from '../planTypes';

/** One entry per tool a plan can be made for. */
export const PLAN_TARGETS: Readonly<Record<PlanTargetName, PlanTarget>> = {
  'llama.cpp': LLAMA_CPP_TARGET,
  onnxruntime: ONNXRUNTIME_TARGET,
  modelopt: MODELOPT_TARGET,
  torchao: TORCHAO_TARGET,
  'llm-compressor': LLM_COMPRESSOR_TARGET,
};
