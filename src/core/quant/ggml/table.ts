import { GGML_LAYOUTS, type GgmlDType, type GgmlTypeLayout } from '../../../shared/vocab/ggmlTypes';

/** Both directions of one ggml type's round trip. */
export interface GgmlCodec {
  /** Decodes `nBlocks` blocks of `src` (starting at byte 0) into `dst` (nBlocks * blockSize floats). // dequantize_row_* */
  dequantize(src: Uint8Array, dst: Float32Array, nBlocks: number): void;
  /** Encodes `src` (a multiple of blockSize floats) into blocks, as ggml's reference quantizer does. // quantize_row_*_ref */
  quantize?(src: Float32Array, dst: Uint8Array): void;
  /**
   * deq[from..to) = dequantize(quantize(x[from..to))) without the bytes in between (whole blocks);
   * non-finite values are quantized as 0 and copied through to deq.
   */
  roundTrip?(x: Float32Array, from: number, to: number, deq: Float32Array): void;
}

/** One ggml block type, like ggml's type_traits: its layout (from the shared table) plus its codec. */
export interface GgmlTypeTraits extends GgmlTypeLayout, GgmlCodec {
  readonly name: GgmlDType;
}

/** A codec joined to its type's layout: the layout is never restated beside the code. */
export function ggmlType(name: GgmlDType, codec: GgmlCodec): GgmlTypeTraits {
  return { name, ...GGML_LAYOUTS[name], ...codec };
}

/** Filled by the ggml module (one entry per type). */
export const GGML_TYPES = new Map<GgmlDType, GgmlTypeTraits>();

export function registerGgmlType(traits: GgmlTypeTraits): void {
  GGML_TYPES.set(traits.name, traits);
}
