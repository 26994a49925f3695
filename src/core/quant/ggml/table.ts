import type { GgmlDType } from '../../../shared/vocab/dtypes';

/** One ggml block type, like ggml's type_traits: layout plus both directions of the round trip. */
export interface GgmlTypeTraits {
  readonly name: GgmlDType;
  /** GGUF / ggml_type enum value. // ggml.h enum ggml_type */
  readonly id: number;
  /** Values per block. */
  readonly blockSize: number;
  /** Bytes per block. */
  readonly typeSize: number;
  /** Decodes `nBlocks` blocks of `src` (starting at byte 0) into `dst` (nBlocks * blockSize floats). // dequantize_row_* */
  dequantize(src: Uint8Array, dst: Float32Array, nBlocks: number): void;
  /** Encodes `src` (a multiple of blockSize floats) into blocks, as ggml's reference quantizer does. // quantize_row_*_ref */
  quantize?(src: Float32Array, dst: Uint8Array): void;
}

/** Filled by the ggml module (one entry per type). */
export const GGML_TYPES = new Map<GgmlDType, GgmlTypeTraits>();

export function registerGgmlType(traits: GgmlTypeTraits): void {
  GGML_TYPES.set(traits.name, traits);
}
