/**
 * ggml's block types, one entry each like ggml.c's type_traits: the ggml_type / GGUF id, values
 * per block (blck_size) and bytes per block (type_size, ggml-common.h's block struct). Pure data:
 * the codecs attach in src/core/quant/ggml/ keyed by name, and every size, bits-per-weight figure
 * and GGUF id elsewhere derives from here. A new type is one entry (plus its codec).
 */

/** ggml_half: the fp16 scale most blocks carry. */
const HALF = 2;
/** Values per block of the legacy and 32-value types. // ggml-common.h: QK4_0 = QK4_1 = QK5_0 = QK5_1 = QK8_0 = QK8_1 = QK4_NL = QK_MXFP4 */
const QK32 = 32;
/** Super-block of the k-quants, i-quants and ternary types. // ggml-common.h: QK_K */
export const QK_K = 256;
/** Packed 6-bit scales and mins of Q4_K and Q5_K. // ggml-common.h: K_SCALE_SIZE */
const K_SCALE_SIZE = 12;
/** // ggml-common.h: IQ3S_N_SCALE */
const IQ3S_N_SCALE = QK_K / 64;
/** NVFP4: 64 values, one UE4M3 scale byte per 16. // ggml-common.h: QK_NVFP4, QK_NVFP4_SUB */
const QK_NVFP4 = 64;
const QK_NVFP4_SUB = 16;
/** // ggml-common.h: QK1_0, QK2_0 */
const QK1_0 = 128;
const QK2_0 = 64;

export interface GgmlTypeLayout {
  /** // ggml.h: enum ggml_type */
  readonly id: number;
  /** Values per block. */
  readonly blockSize: number;
  /** Bytes per block. */
  readonly typeSize: number;
}

/** Bytes per block as ggml-common.h's static_asserts spell them (sizeof(block_*)). */
export const GGML_LAYOUTS = {
  Q4_0: { id: 2, blockSize: QK32, typeSize: HALF + QK32 / 2 },
  Q4_1: { id: 3, blockSize: QK32, typeSize: 2 * HALF + QK32 / 2 },
  Q5_0: { id: 6, blockSize: QK32, typeSize: HALF + 4 + QK32 / 2 },
  Q5_1: { id: 7, blockSize: QK32, typeSize: 2 * HALF + 4 + QK32 / 2 },
  Q8_0: { id: 8, blockSize: QK32, typeSize: HALF + QK32 },
  Q8_1: { id: 9, blockSize: QK32, typeSize: 2 * HALF + QK32 },
  Q2_K: { id: 10, blockSize: QK_K, typeSize: 2 * HALF + QK_K / 16 + QK_K / 4 },
  Q3_K: { id: 11, blockSize: QK_K, typeSize: HALF + QK_K / 4 + QK_K / 8 + 12 },
  Q4_K: { id: 12, blockSize: QK_K, typeSize: 2 * HALF + K_SCALE_SIZE + QK_K / 2 },
  Q5_K: { id: 13, blockSize: QK_K, typeSize: 2 * HALF + K_SCALE_SIZE + QK_K / 2 + QK_K / 8 },
  Q6_K: { id: 14, blockSize: QK_K, typeSize: HALF + QK_K / 16 + (3 * QK_K) / 4 },
  Q8_K: { id: 15, blockSize: QK_K, typeSize: 4 + QK_K + (QK_K / 16) * 2 },
  IQ2_XXS: { id: 16, blockSize: QK_K, typeSize: HALF + (QK_K / 8) * 2 },
  IQ2_XS: { id: 17, blockSize: QK_K, typeSize: HALF + (QK_K / 8) * 2 + QK_K / 32 },
  IQ3_XXS: { id: 18, blockSize: QK_K, typeSize: HALF + 3 * (QK_K / 8) },
  IQ1_S: { id: 19, blockSize: QK_K, typeSize: HALF + QK_K / 8 + QK_K / 16 },
  IQ4_NL: { id: 20, blockSize: QK32, typeSize: HALF + QK32 / 2 },
  IQ3_S: { id: 21, blockSize: QK_K, typeSize: HALF + 13 * (QK_K / 32) + IQ3S_N_SCALE },
  IQ2_S: { id: 22, blockSize: QK_K, typeSize: HALF + QK_K / 4 + QK_K / 16 },
  IQ4_XS: { id: 23, blockSize: QK_K, typeSize: HALF + 2 + QK_K / 64 + QK_K / 2 },
  IQ1_M: { id: 29, blockSize: QK_K, typeSize: QK_K / 8 + QK_K / 16 + QK_K / 32 },
  TQ1_0: { id: 34, blockSize: QK_K, typeSize: HALF + QK_K / 64 + (QK_K - (4 * QK_K) / 64) / 5 },
  TQ2_0: { id: 35, blockSize: QK_K, typeSize: HALF + QK_K / 4 },
  MXFP4: { id: 39, blockSize: QK32, typeSize: 1 + QK32 / 2 },
  NVFP4: { id: 40, blockSize: QK_NVFP4, typeSize: QK_NVFP4 / QK_NVFP4_SUB + QK_NVFP4 / 2 },
  Q1_0: { id: 41, blockSize: QK1_0, typeSize: HALF + QK1_0 / 8 },
  Q2_0: { id: 42, blockSize: QK2_0, typeSize: HALF + QK2_0 / 4 },
} as const satisfies Record<string, GgmlTypeLayout>;

/** ggml block types, upper case as CLI.md names them. */
export type GgmlDType = keyof typeof GGML_LAYOUTS;

export const GGML_DTYPES = Object.keys(GGML_LAYOUTS) as GgmlDType[];

export function isGgmlDType(name: string): name is GgmlDType {
  return Object.prototype.hasOwnProperty.call(GGML_LAYOUTS, name);
}

/** Storage cost of a type, block scales included: type_size * 8 / blck_size. */
export function ggmlBitsPerWeight(type: GgmlDType): number {
  const { blockSize, typeSize } = GGML_LAYOUTS[type];
  return (typeSize * 8) / blockSize;
}
