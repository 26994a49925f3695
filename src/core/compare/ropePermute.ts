/**
 * convert_hf_to_gguf.py's LlamaModel.permute of Q and K rows (llama.cpp
 * 81ff7abe50b95fb81cc70a6cdba1eb1a02a48f62, MIT): per head, rows [h0 h1] (first and second rotary
 * halves) are interleaved, `w.reshape(n_head, 2, rows // n_head // 2, ...).swapaxes(1, 2)`.
 * GGUF row `base + 2i + s` holds Hugging Face row `base + s * half + i`.
 */

/** The Hugging Face row that GGUF row `row` of a permuted tensor holds; `groupRows` rows per head. */
export function unpermutedRow(row: number, groupRows: number): number {
  const half = groupRows / 2;
  const base = row - (row % groupRows);
  const local = row - base;
  return base + (local % 2) * half + Math.floor(local / 2);
}

/**
 * Rows [0, rows) of `src` (a chunk starting on a head boundary, `cols` values per row) moved as the
 * converter moves them: `toGguf` permutes Hugging Face rows into GGUF order, otherwise the reverse.
 */
export function permuteRows(src: Float32Array, rows: number, cols: number, groupRows: number, toGguf: boolean): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const hf = unpermutedRow(r, groupRows);
    const [from, to] = toGguf ? [hf, r] : [r, hf];
    out.set(src.subarray(from * cols, (from + 1) * cols), to * cols);
  }
  return out;
}

/** GGUF names the converter permutes (attn_q / attn_k weights and biases). */
const PERMUTED_GGUF = /^blk\.\d+\.attn_(q|k)\.(weight|bias)$/;

/** Heads of the rows of a permuted tensor: Q has head_count, K head_count_kv; null when not permuted. */
export function ropeGroups(ggufName: string, heads: { readonly q: number; readonly kv: number } | null): number | null {
  const m = PERMUTED_GGUF.exec(ggufName);
  if (!m || !heads) return null;
  return m[1] === 'q' ? heads.q : heads.kv;
}
