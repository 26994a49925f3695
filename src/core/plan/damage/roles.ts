/**
 * What a tensor does in a transformer, read from its GGUF name: the unit the damage model's
 * default weights are given for.
 */
export const TENSOR_ROLES = [
  'attn_q', 'attn_k', 'attn_v', 'attn_qkv', 'attn_output',
  'ffn_gate', 'ffn_up', 'ffn_down', 'ffn_gate_exps', 'ffn_up_exps', 'ffn_down_exps',
  'output', 'token_embd', 'other',
] as const;
export type TensorRole = (typeof TENSOR_ROLES)[number];

/** Name parts in the order they are tested (expert names before their dense prefixes). */
const ROLE_BY_PART: readonly (readonly [string, TensorRole])[] = [
  ['.attn_qkv.', 'attn_qkv'],
  ['.attn_q.', 'attn_q'],
  ['.attn_k.', 'attn_k'],
  ['.attn_v.', 'attn_v'],
  ['.attn_output.', 'attn_output'],
  ['.ffn_gate_exps.', 'ffn_gate_exps'],
  ['.ffn_up_exps.', 'ffn_up_exps'],
  ['.ffn_down_exps.', 'ffn_down_exps'],
  ['.ffn_gate.', 'ffn_gate'],
  ['.ffn_up.', 'ffn_up'],
  ['.ffn_down.', 'ffn_down'],
];

/**
 * The same roles in Hugging Face names, as the PyTorch targets plan them (LLaMA / Mistral /
 * Qwen projections, Mixtral's per-expert w1 = gate, w2 = down, w3 = up; convert_hf_to_gguf.py's mapping).
 */
const HF_ROLE_BY_PART: readonly (readonly [RegExp, TensorRole])[] = [
  [/\.experts\.\d+\.(w1|gate_proj)\.weight$/, 'ffn_gate_exps'],
  [/\.experts\.\d+\.(w3|up_proj)\.weight$/, 'ffn_up_exps'],
  [/\.experts\.\d+\.(w2|down_proj)\.weight$/, 'ffn_down_exps'],
  [/\.q_proj\.weight$/, 'attn_q'],
  [/\.k_proj\.weight$/, 'attn_k'],
  [/\.v_proj\.weight$/, 'attn_v'],
  [/\.o_proj\.weight$/, 'attn_output'],
  [/\.gate_proj\.weight$/, 'ffn_gate'],
  [/\.up_proj\.weight$/, 'ffn_up'],
  [/\.down_proj\.weight$/, 'ffn_down'],
  [/(^|\.)lm_head\.weight$/, 'output'],
  [/\.embed_tokens\.weight$/, 'token_embd'],
];

export function roleOf(name: string): TensorRole {
  if (name === 'output.weight') return 'output';
  if (name === 'token_embd.weight') return 'token_embd';
  for (const [part, role] of ROLE_BY_PART) if (name.includes(part)) return role;
  for (const [pattern, role] of HF_ROLE_BY_PART) if (pattern.test(name)) return role;
  return 'other';
}

/** The transformer block a GGUF name belongs to (blk.N.), or null for the embeddings, output and globals. */
export function blockOf(name: string): number | null {
  const match = /^blk\.(\d+)\./.exec(name);
  return match ? Number(match[1]) : null;
}
