/**
 * What llama-quantize leaves as it is. Ported from llama.cpp 81ff7abe50b95fb81cc70a6cdba1eb1a02a48f62
 * (MIT): src/llama-quant.cpp tensor_allows_quantization (with the default parameters: output
 * quantized, not --only-copy).
 */

/** Substrings that exclude a tensor, with the source's reason. */
const EXCLUDED_SUBSTRINGS: readonly (readonly [string, string])[] = [
  ['_norm.weight', 'norm'],
  ['ffn_gate_inp.weight', 'expert router (ffn_gate_inp)'],
  ['altup', 'altup (very small)'],
  ['laurel', 'laurel (very small)'],
  ['per_layer_model_proj', 'per_layer_model_proj (small)'],
  ['ssm_conv1d', 'small conv1d weights'],
  ['shortconv.conv.weight', 'small conv1d weights'],
  ...[
    'first', 'w0', 'w1', 'w2', 'v0', 'v1', 'v2', 'a0', 'a1', 'a2', 'g1', 'g2', 'decay_w1', 'decay_w2', 'lerp_fused',
  ].map((s) => [`time_mix_${s}.weight`, 'RWKV small 2-D weights'] as const),
  ['attn_rel_b.weight', 'relative position bias'],
  ['.position_embd', 'multimodal position embeddings'],
  ['sam.pos_embd', 'multimodal position embeddings'],
  ['sam.neck.', 'multimodal (sam.neck)'],
  ['sam.net_', 'multimodal (sam.net)'],
  ['.rel_pos', 'multimodal relative positions'],
  ['.patch_embd', 'multimodal patch embeddings'],
  ['.patch_merger', 'multimodal patch merger'],
];

/** Whole names that are never quantized. // LLM_TN(arch)(LLM_TENSOR_POS_EMBD / LLM_TENSOR_TOKEN_TYPES, "weight") */
const EXCLUDED_NAMES: ReadonlyMap<string, string> = new Map([
  ['position_embd.weight', 'position embeddings'],
  ['token_types.weight', 'token type embeddings'],
]);

/** Dimensions as ggml counts them: up to the last one that is not 1. // ggml.c ggml_n_dims */
export function ggmlDims(ne: readonly number[]): number {
  for (let i = ne.length - 1; i >= 1; i--) if (ne[i] !== 1) return i + 1;
  return 1;
}

/** Null when llama-quantize may quantize the tensor, else why it keeps it as it is. */
export function whyNotQuantized(name: string, ne: readonly number[]): string | null {
  if (ggmlDims(ne) < 2) return 'fewer than 2 dimensions';
  if (!name.endsWith('weight')) return 'not a weight';
  for (const [part, reason] of EXCLUDED_SUBSTRINGS) if (name.includes(part)) return reason;
  return EXCLUDED_NAMES.get(name) ?? null;
}
