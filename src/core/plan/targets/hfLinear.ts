import { ggmlDims } from '../llamaCpp/notQuantized';
import type { PlanTensor } from '../planTypes';

/** Embedding tables: 2-D weights of nn.Embedding, not nn.Linear (Hugging Face names). */
const EMBEDDING = /embed|(^|\.)(wte|wpe)\./;

/**
 * Why a Hugging Face tensor is not the weight of an nn.Linear (the only modules the PyTorch tools
 * quantize by default), or null when it is one: 2-D, named `*.weight`, not an embedding.
 */
export function whyNotLinearWeight(tensor: PlanTensor): string | null {
  if (!tensor.name.endsWith('.weight')) return 'not a weight (biases and buffers stay)';
  if (ggmlDims(tensor.ne) !== 2) return 'not a 2-D weight (norms, convolutions and fused 3-D experts are not nn.Linear)';
  if (EMBEDDING.test(tensor.name)) return 'embedding (nn.Embedding, not nn.Linear)';
  return null;
}

/** The module a weight belongs to: its name without `.weight`. */
export function moduleOf(tensor: PlanTensor): string {
  return tensor.name.replace(/\.weight$/, '');
}

/** A regex for a shell glob as Python's fnmatch reads it (`*` any run, `?` one character, the rest literal). */
export function globRegex(glob: string): RegExp {
  const body = [...glob].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`);
}

/**
 * Layers that are fused at inference, so one format must cover all of them: q/k/v, gate/up, and
 * a layer's experts. The key is the rule's number and the shared prefix. Rules and their order
 * follow ModelOpt's AutoQuantize quant_grouping_rules (modelopt/torch/quantization/algorithms.py,
 * _AutoQuantizeBaseSearcher), matched against the module name; the first match decides.
 */
const FUSED_GROUP_RULES: readonly RegExp[] = [
  /^(.*?)\.(q_proj|k_proj|v_proj)$/,
  /^(.*?\.mlp\.experts)\.\d+\.(gate_proj|up_proj|down_proj)$/,
  /^(.*?\.mixer\.experts)\.\d+\.(up_proj|down_proj)$/,
  /^(.*?)\.(gate_proj|up_proj)$/,
  /^(.*?)\.(\d+\.(w1|w2|w3))$/,
  /^(.*?)\.((w1_linear|w2_linear|w3_linear)\.\d+)$/,
];

export function fusedGroupOf(tensor: PlanTensor): string | null {
  const module = moduleOf(tensor);
  for (const [i, rule] of FUSED_GROUP_RULES.entries()) {
    const match = rule.exec(module);
    if (match) return `${match[1]} (rule ${i + 1})`;
  }
  return null;
}
