/** One importance-matrix entry: what llama-quantize passes its quantizers for one weight. */
export interface ImatrixEntry {
  /**
   * Mean squared activation of each input column, normalized as llama-quantize normalizes it
   * (tools/quantize/quantize.cpp load_imatrix): per matrix (expert) ne0 values, experts one after another.
   */
  readonly values: Float32Array;
  /** Matrices (experts) the values cover: values.length / ne0. */
  readonly matrices: number;
}

export interface Imatrix {
  readonly file: string;
  readonly format: 'gguf' | 'dat';
  /** By weight name (e.g. blk.0.attn_q.weight), in the file's order. */
  readonly entries: ReadonlyMap<string, ImatrixEntry>;
  /** The text file(s) it was computed on, as recorded. */
  readonly datasets: readonly string[];
  /** Chunks of text it was computed on, when recorded. */
  readonly chunkCount: number | null;
}

/** Largest imatrix read: a 600B-parameter MoE's imatrix is ~700 MB of float32. */
export const MAX_IMATRIX_VALUES = 256 * 1024 * 1024;
/** Longest tensor name a legacy .dat entry may carry (GGML_MAX_NAME is 64; room for odd tools). */
export const MAX_DAT_NAME_BYTES = 4096;
