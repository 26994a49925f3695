/**
 * The model facts llama-quantize's rules read (hparams), from GGUF metadata as llama.cpp's loader
 * reads them: {arch}.block_count, {arch}.attention.head_count(_kv) (a number or one per layer,
 * layer 0 counts), {arch}.expert_count (absent: dense).
 */
import { FormatError } from '../../errors';

export interface LlamaModelFacts {
  /** GGUF general.architecture (llama, qwen2, falcon, ...). */
  readonly architecture: string;
  /** Blocks, as block_count says (hparams.n_layer_all): the n of every per-layer rule. */
  readonly nLayer: number;
  readonly nHead: number;
  readonly nHeadKv: number;
  /** 0 for dense models. */
  readonly nExpert: number;
}

/** Query heads per KV head, integer division; 0 without KV heads. // llama_hparams::n_gqa */
export function nGqa(facts: LlamaModelFacts): number {
  return facts.nHeadKv === 0 ? 0 : Math.floor(facts.nHead / facts.nHeadKv);
}

/**
 * LLM_TYPE_70B, the one model size the rules test, as each architecture's load_hparams infers it
 * (llama: 80 layers with GQA and not 8 experts; qwen2 and deci: 80 layers; jais2: 68 layers).
 */
export function is70B(facts: LlamaModelFacts): boolean {
  switch (facts.architecture) {
    case 'llama': return facts.nExpert !== 8 && facts.nLayer === 80 && facts.nHead !== facts.nHeadKv;
    case 'qwen2':
    case 'deci': return facts.nLayer === 80;
    case 'jais2': return facts.nLayer === 68;
    default: return false;
  }
}

type Metadata = Readonly<Record<string, unknown>>;

/** A count: a non-negative integer, or an array of them (per layer: layer 0's), or a truncated array's first item. */
function countOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (Array.isArray(value)) return countOf(value[0]);
  if (typeof value === 'object' && value !== null && 'first' in value) return countOf((value as { first: unknown }).first);
  return undefined;
}

function required(metadata: Metadata, key: string): number {
  const n = countOf(metadata[key]);
  if (n === undefined) throw new FormatError('gguf', `planning needs ${key} in the metadata, as llama-quantize does`);
  return n;
}

export function factsFromGguf(metadata: Metadata): LlamaModelFacts {
  const architecture = metadata['general.architecture'];
  if (typeof architecture !== 'string' || architecture === '') {
    throw new FormatError('gguf', 'planning needs general.architecture in the metadata, as llama-quantize does');
  }
  const nHead = required(metadata, `${architecture}.attention.head_count`);
  return {
    architecture,
    nLayer: required(metadata, `${architecture}.block_count`),
    nHead,
    nHeadKv: countOf(metadata[`${architecture}.attention.head_count_kv`]) ?? nHead,
    nExpert: countOf(metadata[`${architecture}.expert_count`]) ?? 0,
  };
}
