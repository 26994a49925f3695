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

export function roleOf(name: string): TensorRole {
  if (name === 'output.weight') return 'output';
  if (name === 'token_embd.weight') return 'token_embd';
  for (const [part, role] of ROLE_BY_PART) if (name.includes(part)) return role;
  return 'other';
}

/** The transformer block a GGUF name belongs to (blk.N.), or null for the embeddings, output and globals. */
export function blockOf(name: string): number | null {
  const match = /^blk\.(\d+)\./.exec(name);
  return match ? Number(match[1]) : null;
}
