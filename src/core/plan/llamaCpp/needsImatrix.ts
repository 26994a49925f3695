/**
 * Types llama-quantize refuses to write without an importance matrix. Ported from llama.cpp
 * 81ff7abe50b95fb81cc70a6cdba1eb1a02a48f62 (MIT): src/llama-quant.cpp tensor_requires_imatrix.
 */
import type { PlanType } from '../planTypes';
import { OUTPUT_NAME, TOKEN_EMBD_NAMES } from './categories';
import type { LlamaFtype } from './ftypes';

const ALWAYS_NEED_IMATRIX: ReadonlySet<PlanType> = new Set<PlanType>(['IQ3_XXS', 'IQ2_XXS', 'IQ2_XS', 'IQ2_S', 'IQ1_M', 'IQ1_S']);

export function needsImatrix(name: string, type: PlanType, ftype: LlamaFtype): boolean {
  if (TOKEN_EMBD_NAMES.has(name) || name === OUTPUT_NAME) return false;
  // k-quants do without, except the Q2_K tensors of a Q2_K_S file
  return ALWAYS_NEED_IMATRIX.has(type) || (type === 'Q2_K' && ftype === 'Q2_K_S');
}
