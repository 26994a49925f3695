/** Coarse role of a tensor, from its name (and rank): what the Overview and filters group by. */
export type LayerGroup = 'embeddings' | 'attention' | 'mlp' | 'norms' | 'head' | 'other';
export type TensorRole = 'weight' | 'bias' | 'norm' | 'embedding';

export const LAYER_GROUPS: readonly LayerGroup[] = ['embeddings', 'attention', 'mlp', 'norms', 'head', 'other'];
export const TENSOR_ROLES: readonly TensorRole[] = ['weight', 'bias', 'norm', 'embedding'];

// Checked in order: a name like `blk.0.attn_norm.weight` is a norm before it is attention.
const GROUP_PATTERNS: readonly (readonly [LayerGroup, RegExp])[] = [
  ['norms', /(^|[._])(norm|ln(_?\d+|_f)?|layernorm|layer_norm|rmsnorm|bn\d*|batchnorm)([._]|$)|_norm([._]|$)/i],
  ['embeddings', /(embed|wte|wpe|tok_embeddings|token_embd|position_embd)/i],
  ['head', /(^|[._])(lm_head|output|classifier|head|logits)([._]|$)/i],
  ['attention', /(attn|attention|q_proj|k_proj|v_proj|o_proj|qkv|query|key|value|wq|wk|wv|wo)/i],
  ['mlp', /(mlp|ffn|feed_forward|fc\d*|gate_proj|up_proj|down_proj|dense|w1|w2|w3|linear|conv)/i],
];

export function layerGroup(name: string): LayerGroup {
  for (const [group, pattern] of GROUP_PATTERNS) if (pattern.test(name)) return group;
  return 'other';
}

export function tensorRole(name: string, shape: readonly number[]): TensorRole {
  const group = layerGroup(name);
  if (group === 'norms') return 'norm';
  if (group === 'embeddings') return 'embedding';
  if (/bias$/i.test(name) || shape.length <= 1) return 'bias';
  return 'weight';
}

/** `model.layers.12.mlp.up.weight` -> `model.layers.12`; `fc1.weight` -> `fc1`. */
export function blockPrefix(name: string): string {
  const parts = name.split('.');
  for (let i = parts.length - 2; i >= 0; i--) {
    if (/^\d+$/.test(parts[i] ?? '')) return parts.slice(0, i + 1).join('.');
  }
  return parts.length > 1 ? parts.slice(0, -1).join('.') : name;
}
