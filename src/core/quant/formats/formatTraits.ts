import type { NamedFormat } from '../../../shared/analysisTypes';
import type { GgmlDType } from '../../../shared/vocab/dtypes';
import { BNB4_BLOCK } from './bnb4';
import { BF16, FP16, FP8_E4M3, FP8_E5M2, type MinifloatSpec } from './minifloat';
import { MX_BLOCK } from './mxfp4';

/** How a named format is computed. */
export type FormatFamily =
  | { readonly kind: 'cast'; readonly spec: MinifloatSpec }
  | { readonly kind: 'bnb4'; readonly table: 'nf4' | 'fp4' }
  | { readonly kind: 'mxfp4' }
  | { readonly kind: 'ggml'; readonly type: GgmlDType };

export interface FormatTraits {
  readonly format: NamedFormat;
  readonly family: FormatFamily;
  /** Storage cost including scales: typeSize * 8 / blockSize for ggml. */
  readonly bitsPerWeight: number;
  /** Values sharing one scale (1 for casts). */
  readonly blockSize: number;
  /** Blocks run over the flattened tensor ('flat', bitsandbytes) or along each row of the last axis ('row'). */
  readonly blockAxis: 'element' | 'flat' | 'row';
  readonly source: string;
}

function ggml(format: NamedFormat, type: GgmlDType, blockSize: number, typeSize: number, source: string): FormatTraits {
  return { format, family: { kind: 'ggml', type }, bitsPerWeight: (typeSize * 8) / blockSize, blockSize, blockAxis: 'row', source };
}

/** Per block: ggml-common.h block_* structs (bytes per block of blockSize values). */
export const FORMATS: Readonly<Record<NamedFormat, FormatTraits>> = {
  fp16: { format: 'fp16', family: { kind: 'cast', spec: FP16 }, bitsPerWeight: 16, blockSize: 1, blockAxis: 'element', source: 'IEEE 754 binary16, RNE, saturating at ±65504' },
  bf16: { format: 'bf16', family: { kind: 'cast', spec: BF16 }, bitsPerWeight: 16, blockSize: 1, blockAxis: 'element', source: 'bfloat16, RNE, saturating' },
  fp8_e4m3: { format: 'fp8_e4m3', family: { kind: 'cast', spec: FP8_E4M3 }, bitsPerWeight: 8, blockSize: 1, blockAxis: 'element', source: 'OCP E4M3FN, RNE, saturating at ±448 (onnx float8.md)' },
  fp8_e5m2: { format: 'fp8_e5m2', family: { kind: 'cast', spec: FP8_E5M2 }, bitsPerWeight: 8, blockSize: 1, blockAxis: 'element', source: 'OCP E5M2, RNE, saturating at ±57344 (onnx float8.md)' },
  nf4: { format: 'nf4', family: { kind: 'bnb4', table: 'nf4' }, bitsPerWeight: 4 + 32 / BNB4_BLOCK, blockSize: BNB4_BLOCK, blockAxis: 'flat', source: 'bitsandbytes quantize_4bit nf4, blocksize 64, float32 absmax (no double quant)' },
  fp4: { format: 'fp4', family: { kind: 'bnb4', table: 'fp4' }, bitsPerWeight: 4 + 32 / BNB4_BLOCK, blockSize: BNB4_BLOCK, blockAxis: 'flat', source: 'bitsandbytes quantize_4bit fp4, blocksize 64, float32 absmax (no double quant)' },
  mxfp4: { format: 'mxfp4', family: { kind: 'mxfp4' }, bitsPerWeight: 4 + 8 / MX_BLOCK, blockSize: MX_BLOCK, blockAxis: 'row', source: 'OCP MX v1.0 MXFP4: E8M0 scale per 32, E2M1 RNE saturating' },
  q8_0: ggml('q8_0', 'Q8_0', 32, 34, 'ggml quantize_row_q8_0_ref'),
  q4_0: ggml('q4_0', 'Q4_0', 32, 18, 'ggml quantize_row_q4_0_ref'),
  q4_1: ggml('q4_1', 'Q4_1', 32, 20, 'ggml quantize_row_q4_1_ref'),
  q5_0: ggml('q5_0', 'Q5_0', 32, 22, 'ggml quantize_row_q5_0_ref'),
  q5_1: ggml('q5_1', 'Q5_1', 32, 24, 'ggml quantize_row_q5_1_ref'),
  q2_k: ggml('q2_k', 'Q2_K', 256, 84, 'ggml quantize_row_q2_K_ref'),
  q3_k: ggml('q3_k', 'Q3_K', 256, 110, 'ggml quantize_row_q3_K_ref'),
  q4_k: ggml('q4_k', 'Q4_K', 256, 144, 'ggml quantize_row_q4_K_ref'),
  q5_k: ggml('q5_k', 'Q5_K', 256, 176, 'ggml quantize_row_q5_K_ref'),
  q6_k: ggml('q6_k', 'Q6_K', 256, 210, 'ggml quantize_row_q6_K_ref'),
  iq4_nl: ggml('iq4_nl', 'IQ4_NL', 32, 18, 'ggml quantize_row_iq4_nl_ref'),
};
