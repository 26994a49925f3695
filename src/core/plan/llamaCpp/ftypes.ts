/**
 * llama.cpp's file types (llama.h enum llama_ftype) as llama-quantize names them, with the tensor
 * type each defaults to. Ported from llama.cpp 81ff7abe50b95fb81cc70a6cdba1eb1a02a48f62 (MIT):
 * src/llama-quant.cpp llama_ftype_get_default_type, tools/quantize/quantize.cpp QUANT_OPTIONS.
 */
import type { PlanType } from '../planTypes';

export const LLAMA_FTYPES = {
  F32: { id: 0, defaultType: 'F32' },
  F16: { id: 1, defaultType: 'F16' },
  Q4_0: { id: 2, defaultType: 'Q4_0' },
  Q4_1: { id: 3, defaultType: 'Q4_1' },
  Q8_0: { id: 7, defaultType: 'Q8_0' },
  Q5_0: { id: 8, defaultType: 'Q5_0' },
  Q5_1: { id: 9, defaultType: 'Q5_1' },
  Q2_K: { id: 10, defaultType: 'Q2_K' },
  Q3_K_S: { id: 11, defaultType: 'Q3_K' },
  Q3_K_M: { id: 12, defaultType: 'Q3_K' },
  Q3_K_L: { id: 13, defaultType: 'Q3_K' },
  Q4_K_S: { id: 14, defaultType: 'Q4_K' },
  Q4_K_M: { id: 15, defaultType: 'Q4_K' },
  Q5_K_S: { id: 16, defaultType: 'Q5_K' },
  Q5_K_M: { id: 17, defaultType: 'Q5_K' },
  Q6_K: { id: 18, defaultType: 'Q6_K' },
  IQ2_XXS: { id: 19, defaultType: 'IQ2_XXS' },
  IQ2_XS: { id: 20, defaultType: 'IQ2_XS' },
  Q2_K_S: { id: 21, defaultType: 'Q2_K' },
  IQ3_XS: { id: 22, defaultType: 'IQ3_S' },
  IQ3_XXS: { id: 23, defaultType: 'IQ3_XXS' },
  IQ1_S: { id: 24, defaultType: 'IQ1_S' },
  IQ4_NL: { id: 25, defaultType: 'IQ4_NL' },
  IQ3_S: { id: 26, defaultType: 'IQ3_S' },
  IQ3_M: { id: 27, defaultType: 'IQ3_S' },
  IQ2_S: { id: 28, defaultType: 'IQ2_XS' },
  IQ2_M: { id: 29, defaultType: 'IQ2_S' },
  IQ4_XS: { id: 30, defaultType: 'IQ4_XS' },
  IQ1_M: { id: 31, defaultType: 'IQ1_M' },
  BF16: { id: 32, defaultType: 'BF16' },
  TQ1_0: { id: 36, defaultType: 'TQ1_0' },
  TQ2_0: { id: 37, defaultType: 'TQ2_0' },
  MXFP4_MOE: { id: 38, defaultType: 'MXFP4' },
  Q1_0: { id: 40, defaultType: 'Q1_0' },
  Q2_0: { id: 41, defaultType: 'Q2_0' },
} as const satisfies Record<string, { id: number; defaultType: PlanType }>;

export type LlamaFtype = keyof typeof LLAMA_FTYPES;

/** llama-quantize's aliases (QUANT_OPTIONS: "alias for Q4_K_M", ...). */
const ALIASES: Readonly<Record<string, LlamaFtype>> = { Q3_K: 'Q3_K_M', Q4_K: 'Q4_K_M', Q5_K: 'Q5_K_M' };

/** The ftype a preset name stands for, matched case-insensitively as llama-quantize does; null if none. */
export function ftypeOf(preset: string): LlamaFtype | null {
  const upper = preset.toUpperCase();
  if (Object.prototype.hasOwnProperty.call(LLAMA_FTYPES, upper)) return upper as LlamaFtype;
  return ALIASES[upper] ?? null;
}

export function presetNames(): string[] {
  return Object.keys(LLAMA_FTYPES);
}
