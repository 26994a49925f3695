/**
 * Hugging Face <-> GGUF tensor names for the families llama.cpp's converter maps, from llama.cpp
 * 81ff7abe50b95fb81cc70a6cdba1eb1a02a48f62 (MIT): gguf-py/gguf/tensor_mapping.py (TensorNameMap),
 * gguf-py/gguf/constants.py (GGUF names) and convert_hf_to_gguf.py's model classes (which names
 * each architecture has, experts merged into one 3-D tensor per layer).
 */

/** transformers' `architectures[0]` -> the GGUF architecture the converter writes. */
export const HF_ARCHITECTURES: Readonly<Record<string, string>> = {
  LlamaForCausalLM: 'llama',
  MistralForCausalLM: 'llama',
  MixtralForCausalLM: 'llama',
  Qwen2ForCausalLM: 'qwen2',
  Qwen3ForCausalLM: 'qwen3',
  Qwen2MoeForCausalLM: 'qwen2moe',
  Qwen3MoeForCausalLM: 'qwen3moe',
  GemmaForCausalLM: 'gemma',
  Gemma2ForCausalLM: 'gemma2',
  Gemma3ForCausalLM: 'gemma3',
  Phi3ForCausalLM: 'phi3',
};

interface NameRow {
  /** Hugging Face name without .weight/.bias; {bid} is the layer. */
  readonly hf: string;
  readonly gguf: string;
  /** Only for these GGUF architectures (rows with a list take precedence over general rows). */
  readonly archs?: readonly string[];
  /** Not for these (the architecture has no such tensor). */
  readonly notArchs?: readonly string[];
}

const GEMMA_POST_NORMS = ['gemma2', 'gemma3'];
const QWEN_MOE = ['qwen2moe', 'qwen3moe'];
const L = 'model.layers.{bid}.';
const B = 'blk.{bid}.';

const ROWS: readonly NameRow[] = [
  { hf: 'model.embed_tokens', gguf: 'token_embd' },
  { hf: 'lm_head', gguf: 'output', notArchs: ['gemma', 'gemma2'] },
  { hf: 'model.norm', gguf: 'output_norm' },
  { hf: `${L}input_layernorm`, gguf: `${B}attn_norm` },
  { hf: `${L}self_attn.q_proj`, gguf: `${B}attn_q` },
  { hf: `${L}self_attn.k_proj`, gguf: `${B}attn_k` },
  { hf: `${L}self_attn.v_proj`, gguf: `${B}attn_v` },
  { hf: `${L}self_attn.o_proj`, gguf: `${B}attn_output` },
  { hf: `${L}self_attn.qkv_proj`, gguf: `${B}attn_qkv`, archs: ['phi3'] },
  { hf: `${L}self_attn.q_norm`, gguf: `${B}attn_q_norm`, archs: ['qwen3', 'qwen3moe', 'gemma3'] },
  { hf: `${L}self_attn.k_norm`, gguf: `${B}attn_k_norm`, archs: ['qwen3', 'qwen3moe', 'gemma3'] },
  // Gemma 2/3 norm after attention and around the FFN; elsewhere post_attention_layernorm is the FFN norm
  { hf: `${L}post_attention_layernorm`, gguf: `${B}post_attention_norm`, archs: GEMMA_POST_NORMS },
  { hf: `${L}pre_feedforward_layernorm`, gguf: `${B}ffn_norm`, archs: GEMMA_POST_NORMS },
  { hf: `${L}post_feedforward_layernorm`, gguf: `${B}post_ffw_norm`, archs: GEMMA_POST_NORMS },
  { hf: `${L}post_attention_layernorm`, gguf: `${B}ffn_norm` },
  { hf: `${L}mlp.gate_up_proj`, gguf: `${B}ffn_up`, archs: ['phi3'] },
  { hf: `${L}mlp.gate_proj`, gguf: `${B}ffn_gate` },
  { hf: `${L}mlp.up_proj`, gguf: `${B}ffn_up` },
  { hf: `${L}mlp.down_proj`, gguf: `${B}ffn_down` },
  // Mixtral: router and experts w1 (gate), w2 (down), w3 (up)
  { hf: `${L}block_sparse_moe.gate`, gguf: `${B}ffn_gate_inp`, archs: ['llama'] },
  { hf: `${L}block_sparse_moe.experts.w1`, gguf: `${B}ffn_gate_exps`, archs: ['llama'] },
  { hf: `${L}block_sparse_moe.experts.w2`, gguf: `${B}ffn_down_exps`, archs: ['llama'] },
  { hf: `${L}block_sparse_moe.experts.w3`, gguf: `${B}ffn_up_exps`, archs: ['llama'] },
  // Qwen MoE: router, experts, shared expert and its gate
  { hf: `${L}mlp.gate`, gguf: `${B}ffn_gate_inp`, archs: QWEN_MOE },
  { hf: `${L}mlp.experts.gate_proj`, gguf: `${B}ffn_gate_exps`, archs: QWEN_MOE },
  { hf: `${L}mlp.experts.up_proj`, gguf: `${B}ffn_up_exps`, archs: QWEN_MOE },
  { hf: `${L}mlp.experts.down_proj`, gguf: `${B}ffn_down_exps`, archs: QWEN_MOE },
  { hf: `${L}mlp.shared_expert.gate_proj`, gguf: `${B}ffn_gate_shexp`, archs: ['qwen2moe'] },
  { hf: `${L}mlp.shared_expert.up_proj`, gguf: `${B}ffn_up_shexp`, archs: ['qwen2moe'] },
  { hf: `${L}mlp.shared_expert.down_proj`, gguf: `${B}ffn_down_shexp`, archs: ['qwen2moe'] },
  { hf: `${L}mlp.shared_expert_gate`, gguf: `${B}ffn_gate_inp_shexp`, archs: ['qwen2moe'] },
];

/** The suffixes the converter carries over. // TensorNameMap.get_name(try_suffixes=(".weight", ".bias")) */
const SUFFIXES = ['.weight', '.bias'] as const;

/** One expert's tensor in a Hugging Face MoE: `...experts.<e>.<proj>` is expert e of the merged `...experts.<proj>`. */
const PER_EXPERT = /^(.*\.experts)\.(\d+)\.(.*)$/;

interface CompiledRow {
  readonly from: RegExp;
  readonly to: string;
}

function compile(template: string): RegExp {
  const escaped = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('\\{bid\\}', '(\\d+)');
  return new RegExp(`^${escaped}$`);
}

/** The GGUF architectures this table knows; others map nothing. */
const KNOWN_ARCHS: ReadonlySet<string> = new Set(Object.values(HF_ARCHITECTURES));

function rowsFor(arch: string, direction: 'toGguf' | 'toHf'): CompiledRow[] {
  if (!KNOWN_ARCHS.has(arch)) return [];
  const usable = ROWS.filter((r) => (r.archs === undefined || r.archs.includes(arch)) && !r.notArchs?.includes(arch));
  const ordered = [...usable.filter((r) => r.archs !== undefined), ...usable.filter((r) => r.archs === undefined)];
  return ordered.map((r) => (direction === 'toGguf' ? { from: compile(r.hf), to: r.gguf } : { from: compile(r.gguf), to: r.hf }));
}

const CACHE = new Map<string, CompiledRow[]>();

function rows(arch: string, direction: 'toGguf' | 'toHf'): CompiledRow[] {
  const key = `${direction}:${arch}`;
  let found = CACHE.get(key);
  if (!found) {
    found = rowsFor(arch, direction);
    CACHE.set(key, found);
  }
  return found;
}

function translate(name: string, table: readonly CompiledRow[]): string | null {
  const suffix = SUFFIXES.find((s) => name.endsWith(s));
  if (!suffix) return null;
  const stem = name.slice(0, -suffix.length);
  for (const row of table) {
    const match = row.from.exec(stem);
    if (match) return row.to.replace('{bid}', match[1] ?? '') + suffix;
  }
  return null;
}

export interface GgufNameOf {
  /** The GGUF tensor name (experts: the merged 3-D tensor's). */
  readonly name: string;
  /** For one expert's Hugging Face tensor: its index in the merged tensor, else null. */
  readonly expert: number | null;
}

/** The GGUF name of a Hugging Face tensor of GGUF architecture `arch`, or null when the converter has none. */
export function hfToGguf(hfName: string, arch: string): GgufNameOf | null {
  const perExpert = PER_EXPERT.exec(hfName);
  const merged = perExpert ? `${perExpert[1]}.${perExpert[3]}` : hfName;
  const name = translate(merged, rows(arch, 'toGguf'));
  return name === null ? null : { name, expert: perExpert ? Number(perExpert[2]) : null };
}

/** The Hugging Face name of a GGUF tensor (one expert's when `expert` is given), or null. */
export function ggufToHf(ggufName: string, arch: string, expert?: number): string | null {
  const name = translate(ggufName, rows(arch, 'toHf'));
  if (name === null || expert === undefined) return name;
  const at = name.lastIndexOf('.experts.');
  return at < 0 ? null : `${name.slice(0, at)}.experts.${expert}.${name.slice(at + '.experts.'.length)}`;
}
