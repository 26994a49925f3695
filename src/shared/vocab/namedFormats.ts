import { GGML_LAYOUTS, type GgmlDType } from './ggmlTypes';

/**
 * The named formats `--formats` and the scheme picker offer, one entry each. Pure data: block
 * layout and bits per weight derive from the entry (for ggml formats from ggml's type table),
 * and core attaches the implementation per family (src/core/quant/formats/formatTraits.ts).
 * A format of a family that exists (e.g. another ggml type with a quantizer) is one entry.
 */

/** bitsandbytes quantize_4bit's default blocksize (QLoRA's): 64 values share a float32 absmax. */
export const BNB4_BLOCK = 64;
const BNB4_ABSMAX_BYTES = 4;
/** OCP MX v1.0: k = 32 elements share one E8M0 scale byte. */
export const MX_BLOCK = 32;
const MX_SCALE_BYTES = 1;
/** NVIDIA NVFP4: k = 16 elements share one FP8 E4M3 scale byte (plus one float32 scale per tensor, not counted per block). */
export const NVFP4_BLOCK = 16;
const NVFP4_SCALE_BYTES = 1;
/** FP4 elements of bitsandbytes, MX and NVFP4 blocks. */
const FP4_BITS = 4;

/** How a named format is computed, and where its blocks run. */
export type FormatFamilyName = 'cast' | 'bnb4' | 'mx' | 'nvfp4' | 'ggml';

export type NamedFormatEntry =
  /** An element-wise cast to a narrower float. */
  | { readonly family: 'cast'; readonly elementBits: number; readonly source: string }
  /** bitsandbytes blockwise 4-bit over the flattened tensor, with its code table. */
  | { readonly family: 'bnb4'; readonly codebook: 'nf4' | 'fp4'; readonly source: string }
  /** OCP microscaling FP4 along the last axis. */
  | { readonly family: 'mx'; readonly source: string }
  /** NVIDIA NVFP4 along the last axis: a per-tensor float32 scale and an FP8 E4M3 scale per 16. */
  | { readonly family: 'nvfp4'; readonly source: string }
  /** A ggml block type through its reference quantizer, along the last axis. */
  | { readonly family: 'ggml'; readonly type: GgmlDType; readonly source: string };

const cast = (elementBits: number, source: string) => ({ family: 'cast', elementBits, source }) as const;
const bnb4 = (codebook: 'nf4' | 'fp4', source: string) => ({ family: 'bnb4', codebook, source }) as const;
const ggml = <T extends GgmlDType>(type: T, source: string) => ({ family: 'ggml', type, source }) as const;

export const NAMED_FORMAT_TABLE = {
  fp16: cast(16, 'IEEE 754 binary16, RNE, saturating at ±65504'),
  bf16: cast(16, 'bfloat16, RNE, saturating'),
  fp8_e4m3: cast(8, 'OCP E4M3FN, RNE, saturating at ±448 (onnx float8.md)'),
  fp8_e5m2: cast(8, 'OCP E5M2, RNE, saturating at ±57344 (onnx float8.md)'),
  nf4: bnb4('nf4', 'bitsandbytes quantize_4bit nf4, blocksize 64, float32 absmax (no double quant)'),
  fp4: bnb4('fp4', 'bitsandbytes quantize_4bit fp4, blocksize 64, float32 absmax (no double quant)'),
  mxfp4: { family: 'mx', source: 'OCP MX v1.0 MXFP4: E8M0 scale per 32, E2M1 RNE saturating' },
  nvfp4: { family: 'nvfp4', source: 'NVIDIA NVFP4 (ModelOpt NVFP4QTensor): float32 tensor scale amax / (6 * 448), FP8 E4M3 scale per 16, E2M1 RNE' },
  q8_0: ggml('Q8_0', 'ggml quantize_row_q8_0_ref'),
  q4_0: ggml('Q4_0', 'ggml quantize_row_q4_0_ref'),
  q4_1: ggml('Q4_1', 'ggml quantize_row_q4_1_ref'),
  q5_0: ggml('Q5_0', 'ggml quantize_row_q5_0_ref'),
  q5_1: ggml('Q5_1', 'ggml quantize_row_q5_1_ref'),
  q2_k: ggml('Q2_K', 'ggml quantize_row_q2_K_ref'),
  q3_k: ggml('Q3_K', 'ggml quantize_row_q3_K_ref'),
  q4_k: ggml('Q4_K', 'ggml quantize_row_q4_K_ref'),
  q5_k: ggml('Q5_K', 'ggml quantize_row_q5_K_ref'),
  q6_k: ggml('Q6_K', 'ggml quantize_row_q6_K_ref'),
  iq4_nl: ggml('IQ4_NL', 'ggml quantize_row_iq4_nl_ref'),
  iq4_xs: ggml('IQ4_XS', 'ggml quantize_row_iq4_xs_ref'),
} as const satisfies Record<string, NamedFormatEntry>;

export type NamedFormat = keyof typeof NAMED_FORMAT_TABLE;

/** In table order: the order of the picker, the settings enum and `--formats` help. */
export const NAMED_FORMATS = Object.keys(NAMED_FORMAT_TABLE) as NamedFormat[];

/** The formats of one family, as a type (core keys its per-family implementations by it). */
export type NamedFormatOf<F extends FormatFamilyName> = {
  [K in NamedFormat]: (typeof NAMED_FORMAT_TABLE)[K]['family'] extends F ? K : never;
}[NamedFormat];

export function isNamedFormat(name: string): name is NamedFormat {
  return Object.prototype.hasOwnProperty.call(NAMED_FORMAT_TABLE, name);
}

/** The storage a format costs: values per block (1 for casts), bytes per block, scales included. */
export interface FormatLayout {
  readonly blockSize: number;
  readonly bytesPerBlock: number;
  readonly bitsPerWeight: number;
  /** Blocks run over the flattened tensor ('flat', bitsandbytes) or along each row of the last axis ('row'). */
  readonly blockAxis: 'element' | 'flat' | 'row';
}

export function formatLayout(format: NamedFormat): FormatLayout {
  const entry: NamedFormatEntry = NAMED_FORMAT_TABLE[format];
  switch (entry.family) {
    case 'cast':
      return layout(1, entry.elementBits / 8, 'element');
    case 'bnb4':
      return layout(BNB4_BLOCK, (BNB4_BLOCK * FP4_BITS) / 8 + BNB4_ABSMAX_BYTES, 'flat');
    case 'mx':
      return layout(MX_BLOCK, (MX_BLOCK * FP4_BITS) / 8 + MX_SCALE_BYTES, 'row');
    case 'nvfp4':
      return layout(NVFP4_BLOCK, (NVFP4_BLOCK * FP4_BITS) / 8 + NVFP4_SCALE_BYTES, 'row');
    case 'ggml': {
      const { blockSize, typeSize } = GGML_LAYOUTS[entry.type];
      return layout(blockSize, typeSize, 'row');
    }
  }
}

function layout(blockSize: number, bytesPerBlock: number, blockAxis: FormatLayout['blockAxis']): FormatLayout {
  return { blockSize, bytesPerBlock, bitsPerWeight: (bytesPerBlock * 8) / blockSize, blockAxis };
}
