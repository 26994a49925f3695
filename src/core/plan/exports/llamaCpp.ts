import { exportBase, tensorTypeFile } from '../llamaCpp/tensorTypeFile';
import type { PlanExport } from './planExport';

/** llama-quantize --tensor-type-file (llamaCpp/tensorTypeFile.ts). */
export const LLAMA_CPP_TENSOR_TYPES: PlanExport = {
  name: 'llama.cpp',
  target: 'llama.cpp',
  write: (plan, tensors) => tensorTypeFile(plan, { tensors }),
  apply: (file, plan) => `llama-quantize --tensor-type-file ${file} IN.gguf OUT.gguf ${exportBase(plan)}`,
};
