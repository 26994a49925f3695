/**
 * llama-quantize's broad tensor categories and its processing order. Ported from llama.cpp
 * 81ff7abe50b95fb81cc70a6cdba1eb1a02a48f62 (MIT): src/llama-quant.cpp tensor_get_category,
 * category_is_attn_v; src/llama-model-loader.h weight_name_comparer.
 */

export type TensorCategory =
  | 'token_embd' | 'attn_q' | 'attn_v' | 'attn_k' | 'attn_qkv' | 'attn_kv_b' | 'attn_output'
  | 'ffn_up' | 'ffn_gate' | 'ffn_down' | 'output' | 'other';

/** Substring tests in the source's order: the first that matches names the category. */
const CATEGORY_BY_SUBSTRING: readonly (readonly [string, TensorCategory])[] = [
  ['attn_qkv.weight', 'attn_qkv'],
  ['attn_kv_b.weight', 'attn_kv_b'],
  ['attn_v.weight', 'attn_v'],
  ['attn_k.weight', 'attn_k'],
  ['attn_q.weight', 'attn_q'],
  ['attn_output.weight', 'attn_output'],
  ['ffn_up', 'ffn_up'],
  ['ffn_gate', 'ffn_gate'],
  ['ffn_down', 'ffn_down'],
];

/** Token embeddings under their exact names. // tensor_name_match_token_embd */
export const TOKEN_EMBD_NAMES: ReadonlySet<string> = new Set(['token_embd.weight', 'per_layer_token_embd.weight']);
/** // tensor_name_match_output_weight */
export const OUTPUT_NAME = 'output.weight';

export function categoryOf(name: string): TensorCategory {
  if (name === OUTPUT_NAME) return 'output';
  if (TOKEN_EMBD_NAMES.has(name)) return 'token_embd';
  for (const [part, category] of CATEGORY_BY_SUBSTRING) if (name.includes(part)) return category;
  return 'other';
}

/** Value-projection-like tensors, the ones the rules treat as most sensitive. */
export function isAttnVLike(category: TensorCategory): boolean {
  return category === 'attn_v' || category === 'attn_qkv' || category === 'attn_kv_b';
}

/** The layer number as `sscanf(name, "blk.%d.", &i)` reads it, or null when the name has none. */
export function layerOfName(name: string): number | null {
  const match = /^blk\.\s*([+-]?\d+)/.exec(name);
  return match ? Number(match[1]) : null;
}

/** llama-quantize's order: by layer (names without one first), then by name. // weight_name_comparer */
export function compareWeightNames(a: string, b: string): number {
  const la = layerOfName(a) ?? -1;
  const lb = layerOfName(b) ?? -1;
  if (la !== lb) return la - lb;
  return a < b ? -1 : a > b ? 1 : 0;
}
