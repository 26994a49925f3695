/**
 * A Hugging Face safetensors model as llama-quantize would see it after llama.cpp's
 * convert_hf_to_gguf.py (81ff7abe50b95fb81cc70a6cdba1eb1a02a48f62, MIT; `--outtype auto`):
 * names mapped, experts merged into one 3-D tensor per layer, the converter's storage types
 * (conversion/base.py prepare_tensors), the hparams from config.json.
 */
import { FormatError } from '../../errors';
import type { Model, TensorEntry } from '../../tensor';
import { HF_ARCHITECTURES, hfToGguf } from '../../naming/hfGguf';
import { typeBytes } from '../costModel';
import type { HfConfig } from '../hfConfig';
import type { PlanTensor, PlanType } from '../planTypes';
import type { LlamaModelFacts } from './modelFacts';
import type { LlamaModel } from './planPreset';

/** Architectures whose conversion is only renaming and expert merging (others add or reshape tensors). */
const PLANNABLE_ARCHS: ReadonlySet<string> = new Set(['llama', 'qwen2', 'qwen3', 'qwen2moe', 'qwen3moe']);

/** Tensors the converter drops. // prepare_tensors: "we don't need these" */
const DROPPED_SUFFIXES = ['.attention.masked_bias', '.attention.bias', '.rotary_emb.inv_freq'];

/** Tensors the converter always writes as F32 (of those these architectures have). */
const ALWAYS_F32 = /^(blk\.\d+\.ffn_gate_inp(_shexp)?\.weight|position_embd\.weight|token_types\.weight)$/;

const SOURCE_FLOATS: ReadonlySet<string> = new Set(['F32', 'F16', 'BF16']);
const FORMAT = 'safetensors';

function count(config: HfConfig, key: string): number | undefined {
  const v = config[key];
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

function requiredCount(config: HfConfig, key: string): number {
  const n = count(config, key);
  if (n === undefined) throw new FormatError('config.json', `planning needs ${key} (a count) in config.json`);
  return n;
}

function hfArchitectureOf(config: HfConfig): unknown {
  return Array.isArray(config.architectures) ? config.architectures[0] : undefined;
}

/** True when the HF -> GGUF name mapping knows this config's architecture (else the generic rules apply to the model). */
export function knowsArchitecture(config: HfConfig): boolean {
  const hfArch = hfArchitectureOf(config);
  return typeof hfArch === 'string' && Object.prototype.hasOwnProperty.call(HF_ARCHITECTURES, hfArch);
}

/** The GGUF architecture and hparams the converter would write (block_count, head counts, expert count). */
export function factsFromHfConfig(config: HfConfig): LlamaModelFacts {
  const hfArch = hfArchitectureOf(config);
  const architecture = typeof hfArch === 'string' ? HF_ARCHITECTURES[hfArch] : undefined;
  if (architecture === undefined || !PLANNABLE_ARCHS.has(architecture)) {
    throw new FormatError('config.json', `planning a Hugging Face ${String(hfArch)} model is not supported (LLaMA, Mistral, Mixtral, Qwen2/3 and their MoE are); convert it with convert_hf_to_gguf.py and plan the GGUF`);
  }
  const nHead = requiredCount(config, 'num_attention_heads');
  return {
    architecture,
    nLayer: requiredCount(config, 'num_hidden_layers'),
    nHead,
    nHeadKv: count(config, 'num_key_value_heads') ?? nHead,
    nExpert: count(config, 'num_local_experts') ?? count(config, 'num_experts') ?? 0,
  };
}

/** --outtype auto: the first tensor of 2+ dimensions stored as BF16 or F16 decides, else F16. */
function autoOutType(tensors: readonly TensorEntry[]): 'BF16' | 'F16' {
  for (const t of tensors) {
    if (t.shape.length < 2) continue;
    if (t.dtype === 'BF16' || t.dtype === 'F16') return t.dtype;
  }
  return 'F16';
}

/** The type the converter writes a tensor as. // prepare_tensors */
function convertedType(name: string, dims: number, outType: PlanType): PlanType {
  if (dims <= 1 || name.endsWith('_norm.weight')) return 'F32';
  if (ALWAYS_F32.test(name) || !name.endsWith('.weight')) return 'F32';
  return outType;
}

interface Group {
  readonly name: string;
  readonly parts: { readonly expert: number | null; readonly tensor: TensorEntry }[];
}

/** Hugging Face tensors by GGUF name, experts gathered, in first-seen order. */
function groupByGgufName(model: Model, architecture: string): Group[] {
  const groups = new Map<string, Group>();
  for (const t of model.tensors) {
    if (DROPPED_SUFFIXES.some((s) => t.name.endsWith(s))) continue;
    const mapped = hfToGguf(t.name, architecture);
    if (!mapped) throw new FormatError(FORMAT, `can not map tensor ${t.name} to a llama.cpp name (convert_hf_to_gguf.py fails on it too)`, undefined, t.source);
    if (!SOURCE_FLOATS.has(t.dtype)) throw new FormatError(FORMAT, `${t.name} is ${t.dtype}; planning from Hugging Face weights needs F32, F16 or BF16`, undefined, t.source);
    let group = groups.get(mapped.name);
    if (!group) {
      group = { name: mapped.name, parts: [] };
      groups.set(mapped.name, group);
    }
    group.parts.push({ expert: mapped.expert, tensor: t });
  }
  return [...groups.values()];
}

/** One GGUF tensor from its Hugging Face part(s): experts stacked as the converter stacks them (torch.stack, dim 0). */
function merge(group: Group, nExpert: number, outType: PlanType): PlanTensor {
  const first = group.parts[0]!.tensor;
  const experts = group.parts[0]!.expert !== null;
  if (experts) {
    const seen = new Set(group.parts.map((p) => p.expert));
    const complete = group.parts.length === nExpert && [...Array(nExpert).keys()].every((e) => seen.has(e));
    if (!complete) throw new FormatError(FORMAT, `${group.name}: expected experts 0..${nExpert - 1} (config.json), found ${group.parts.length}`);
    if (group.parts.some((p) => p.tensor.shape.join() !== first.shape.join() || p.tensor.dtype !== first.dtype)) {
      throw new FormatError(FORMAT, `${group.name}: experts differ in shape or dtype`);
    }
  } else if (group.parts.length > 1) {
    throw new FormatError(FORMAT, `${group.name}: several tensors map to it (${group.parts.map((p) => p.tensor.name).join(', ')})`);
  }
  const shape = experts ? [nExpert, ...first.shape] : [...first.shape];
  const type = convertedType(group.name, shape.length, outType);
  const ne = shape.reverse();
  return {
    name: group.name,
    ne,
    numel: first.numel * group.parts.length,
    type,
    bytes: typeBytes(type, ne),
    sourceNames: group.parts.map((p) => p.tensor.name),
  };
}

/** LlamaModel.generate_extra_tensors: Llama 3 rope scaling adds rope_freqs (head_dim / 2 values, F32). */
function extraTensors(config: HfConfig, facts: LlamaModelFacts): PlanTensor[] {
  if (facts.architecture !== 'llama') return [];
  const rope = config.rope_parameters ?? config.rope_scaling;
  const ropeType = typeof rope === 'object' && rope !== null ? ((rope as Record<string, unknown>).rope_type ?? (rope as Record<string, unknown>).type) : undefined;
  if (typeof ropeType !== 'string' || ropeType.toLowerCase() !== 'llama3') return [];
  const headDim = count(config, 'head_dim') ?? Math.floor(requiredCount(config, 'hidden_size') / facts.nHead);
  const n = Math.ceil(headDim / 2);
  return [{ name: 'rope_freqs.weight', ne: [n], numel: n, type: 'F32', bytes: 4 * n, sourceNames: [] }];
}

export function llamaModelFromHf(model: Model, config: HfConfig): LlamaModel {
  const facts = factsFromHfConfig(config);
  const outType = autoOutType(model.tensors);
  const tensors = groupByGgufName(model, facts.architecture).map((g) => merge(g, facts.nExpert, outType));
  return { facts, tensors: [...extraTensors(config, facts), ...tensors] };
}
