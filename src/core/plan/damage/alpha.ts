/**
 * Predicted model damage, `sum_l alpha_l * t_l^2` with t_l a tensor's relative error: the
 * linearity result of HIGGS (Malinovskii et al., NAACL 2025), which holds for small errors.
 * Without a measurement alpha comes from the tensor's role; one measured plan rescales them all.
 */
import type { TensorRole } from './roles';
import { roleOf } from './roles';

/**
 * Default alpha per role, in arbitrary units (only ratios matter until a refit sets the unit).
 * The reasons are llama.cpp's own: its stock mixes spend extra bits exactly where it measured
 * that errors hurt most (llama-quant.cpp: attn_v, ffn_down, output get more bits in every
 * _M/_L preset), and the token embedding is a lookup (one row per token, no accumulation over
 * the hidden size) that every preset stores at fewer bits.
 */
export const DEFAULT_ALPHA: Readonly<Record<TensorRole, number>> = {
  attn_q: 1,
  attn_k: 1,
  // values feed the output directly (no softmax to damp them): llama.cpp's most upgraded tensor
  attn_v: 2,
  attn_qkv: 1.5,
  attn_output: 1,
  ffn_gate: 1,
  ffn_up: 1,
  // the residual write of the MLP: llama.cpp upgrades it in Q*_K_M
  ffn_down: 2,
  // an expert tensor holds all experts of a layer; a token meets only the routed few
  ffn_gate_exps: 1,
  ffn_up_exps: 1,
  ffn_down_exps: 2,
  // the logits themselves: every preset keeps it at Q6_K or better
  output: 4,
  token_embd: 0.5,
  other: 1,
};

/** A tensor's alpha: its role's default times the refit scale (1 until a measured plan sets it). */
export function alphaOf(name: string, scale = 1): number {
  return DEFAULT_ALPHA[roleOf(name)] * scale;
}

/** One tensor's share of the predicted damage. */
export function tensorDamage(alpha: number, relErr: number): number {
  return alpha * relErr * relErr;
}
