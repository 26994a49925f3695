import type { Convention, NamedFormat } from '../../shared/analysisTypes';
import type { GgmlDType } from '../dtypes/dtype';
import { BNB4_BLOCK } from './formats/bnb4';
import { BF16, FP16, FP8_E4M3, FP8_E5M2, type MinifloatSpec } from './formats/minifloat';
import { MX_BLOCK } from './formats/mxfp4';

/**
 * Every quantization scheme QuantLens measures, in two tables like ggml's type_traits:
 * the integer affine conventions, and the named formats.
 */

/** Integer affine: widths 2..8, symmetric or asymmetric, per tensor / channel / group; formulas in qparams.ts. */
export interface ConventionTraits {
  readonly convention: Convention;
  readonly symmetricRange: string;
  readonly asymmetricRange: string;
  readonly scale: string;
  readonly zeroPoint: string;
  /** How x / scale is formed before rounding half to even. */
  readonly quantize: string;
  readonly source: string;
}

export const CONVENTIONS: Readonly<Record<Convention, ConventionTraits>> = {
  lecture: {
    convention: 'lecture',
    symmetricRange: '[-2^(b-1), 2^(b-1) - 1]',
    asymmetricRange: '[0, 2^b - 1]',
    scale: 'symmetric max|x| / qmax; asymmetric (max - min) / (qmax - qmin); range not widened to 0',
    zeroPoint: 'symmetric 0; asymmetric qmin - round(min / scale), not clamped',
    quantize: 'round(x / scale) + zp, float32 division',
    source: 'CLI.md Conventions',
  },
  torch: {
    convention: 'torch',
    symmetricRange: '[-2^(b-1), 2^(b-1) - 1] (qint8 and custom quant_min/quant_max)',
    asymmetricRange: '[0, 2^b - 1] (quint8 and custom quant_min/quant_max)',
    scale: 'range widened to 0; symmetric max(-min, max) / ((qmax - qmin) / 2); asymmetric (max - min) / (qmax - qmin); floored at float32 eps',
    zeroPoint: 'symmetric 0; asymmetric clamp(qmin - round(min / scale), qmin, qmax)',
    quantize: 'nearbyint(x * f32(1 / scale)) + zp (fake_quantize_per_tensor_affine / per_channel)',
    source: 'torch/ao/quantization/observer.py _calculate_qparams; ATen fake_quantize kernels',
  },
  onnxruntime: {
    convention: 'onnxruntime',
    symmetricRange: 'int8 [-127, 127]; int4 [-8, 7]; other widths [-(2^(b-1) - 1), 2^(b-1) - 1]',
    asymmetricRange: '[0, 2^b - 1] (uint8, uint4)',
    scale: 'range widened to 0 (symmetric: to ±absmax); (rmax - rmin) / (qmax - qmin) in float64, stored as float32; below float32 tiny -> 1',
    zeroPoint: 'symmetric round((qmin + qmax) / 2); asymmetric round(qmin - rmin / scale)',
    quantize: 'round(x / scale) + zp, float32 division (quantize_nparray)',
    source: 'onnxruntime/python/tools/quantization/quant_utils.py compute_scale_zp, get_qmin_qmax_for_qType',
  },
};

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
