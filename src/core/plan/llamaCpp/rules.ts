/**
 * llama-quantize's mixture rules: which type each tensor gets for each ftype. Ported from llama.cpp
 * 81ff7abe50b95fb81cc70a6cdba1eb1a02a48f62 (MIT), src/llama-quant.cpp llama_tensor_get_type_impl.
 *
 * The source is one if / else-if cascade. Here each top-level branch is a row of BRANCHES, in the
 * source's order (the first branch whose `applies` holds is the only one taken); inside a branch,
 * `choose` is its else-if chain (the first rule that matches decides; a rule that answers null
 * matched but keeps the type) and `adjust` its later ifs (each applied in turn). Counters advance
 * as in the source: attn_v-like tensors and ffn_down / ffn_gate / ffn_up count per branch taken.
 *
 * The source's ATTENTION_QKV branch is not ported: it is unreachable there, because
 * category_is_attn_v includes attn_qkv and its branch comes first.
 */
import type { GgmlDType } from '../../../shared/vocab/dtypes';
import { blockSizeOf } from '../costModel';
import type { TensorCategory } from './categories';
import { isAttnVLike, layerOfName } from './categories';
import type { LlamaFtype } from './ftypes';
import { FormatError } from '../../errors';

export type Counter = 'attnV' | 'ffnDown' | 'ffnGate' | 'ffnUp';

/** What the rules read about one tensor and the model. */
export interface RuleContext {
  readonly ftype: LlamaFtype;
  readonly architecture: string;
  readonly nGqa: number;
  /** hparams.n_expert as stored (0 for dense). */
  readonly nExpert: number;
  readonly is70B: boolean;
  readonly hasImatrix: boolean;
  readonly hasTiedEmbeddings: boolean;
  readonly name: string;
  readonly category: TensorCategory;
  readonly ne: readonly number[];
  /** The type chosen so far (the ftype's default type on entry). */
  readonly current: GgmlDType;
  /** Tensors of each counted kind seen before this one (i_attention_wv, ...). */
  readonly seen: Readonly<Record<Counter, number>>;
  /** How many there are (n_attention_wv; n_ffn_* = the layer count). */
  readonly total: Readonly<Record<Counter, number>>;
  /** (i_layer, n_layer) of a branch with `layerFrom` (layer_info), else (0, 0). */
  readonly layer: { readonly i: number; readonly n: number };
}

export interface Rule {
  /** Why, as the plan's reason shows it (given the context and the type the rule chose). */
  readonly reason: string | ((c: RuleContext, type: GgmlDType) => string);
  readonly when: (c: RuleContext) => boolean;
  /** The type to use; null: the rule matched but keeps the current type. */
  readonly then: GgmlDType | ((c: RuleContext) => GgmlDType | null);
}

export interface Branch {
  readonly name: string;
  readonly applies: (c: RuleContext) => boolean;
  readonly choose: readonly Rule[];
  readonly adjust?: readonly Rule[];
  /** The counter this branch advances after choosing. */
  readonly counts?: Counter;
  /** The counter whose position gives the layer (dense models); MoE models parse blk.N. instead. */
  readonly layerFrom?: Counter;
}

const is = (...ftypes: LlamaFtype[]) => (c: RuleContext) => ftypes.includes(c.ftype);
const always = () => true;
const div = (a: number, b: number) => Math.trunc(a / b);

/** More bits for the first and last eighth of the layers and every third in between. // use_more_bits */
export function useMoreBits(i: number, n: number): boolean {
  return i < div(n, 8) || i >= div(7 * n, 8) || (i - div(n, 8)) % 3 === 2;
}

const moreBitsAttnV = (c: RuleContext) => useMoreBits(c.seen.attnV, c.total.attnV);
const moreBitsLayer = (c: RuleContext) => useMoreBits(c.layer.i, c.layer.n);
const firstEighth = (c: RuleContext) => c.layer.i < div(c.layer.n, 8);
const falcon = (c: RuleContext) => c.architecture === 'falcon';
/** Where a per-layer rule stands, for its reason. */
const atLayer = (c: RuleContext) => `layer ${c.layer.i} of ${c.layer.n}`;
const atAttnV = (c: RuleContext) => `attn_v ${c.seen.attnV} of ${c.total.attnV}`;

/** The very-low-bit i-quant ftypes that share one branch of the source. */
const IQ2_FAMILY: LlamaFtype[] = ['IQ2_XXS', 'IQ2_XS', 'IQ1_S', 'IQ2_S', 'IQ2_M', 'IQ1_M'];
const inIq2Family = is(...IQ2_FAMILY);
const iq2sOrM = is('IQ2_S', 'IQ2_M');

/** ftypes whose attn_output gets Q5_K in 8-expert models. */
const EIGHT_EXPERT_ATTN_OUTPUT_Q5_K = is(
  'Q2_K', 'IQ3_XS', 'IQ3_XXS', 'Q3_K_S', 'Q3_K_M', 'IQ4_NL', 'Q4_K_S', 'Q4_K_M', 'IQ3_S', 'IQ3_M', 'IQ4_XS',
);

export const BRANCHES: readonly Branch[] = [
  {
    name: 'output',
    applies: (c) => c.category === 'output' || (c.hasTiedEmbeddings && c.category === 'token_embd'),
    choose: [
      { reason: 'MXFP4_MOE: output -> Q8_0', when: is('MXFP4_MOE'), then: 'Q8_0' },
      {
        reason: (c) => (falcon(c) ? 'falcon output -> Q8_0' : `output: row of ${c.ne[0]} not a multiple of ${c.current}'s block -> Q8_0`),
        when: (c) => falcon(c) || (c.ne[0] ?? 1) % blockSizeOf(c.current) !== 0,
        then: 'Q8_0',
      },
      { reason: 'output of very-low-bit i-quants -> Q5_K', when: is('IQ2_XXS', 'IQ2_XS', 'IQ3_XXS', 'IQ1_S', 'IQ2_S', 'IQ2_M', 'IQ1_M'), then: 'Q5_K' },
      { reason: (c) => `${c.name === 'output.weight' ? 'output' : 'token_embd (tied to the output)'} -> Q6_K`, when: (c) => c.current !== 'Q8_0', then: 'Q6_K' },
    ],
  },
  {
    name: 'mxfp4_moe',
    applies: is('MXFP4_MOE'),
    choose: [
      { reason: 'MXFP4_MOE: expert tensors (3-D) -> MXFP4', when: (c) => (c.ne[2] ?? 1) > 1, then: 'MXFP4' },
      { reason: 'MXFP4_MOE: other tensors -> Q8_0', when: always, then: 'Q8_0' },
    ],
  },
  {
    name: 'token_embd',
    applies: (c) => c.category === 'token_embd',
    choose: [
      { reason: 'token_embd of IQ2_XXS/IQ2_XS/IQ1_S/IQ1_M -> Q2_K', when: is('IQ2_XXS', 'IQ2_XS', 'IQ1_S', 'IQ1_M'), then: 'Q2_K' },
      { reason: 'token_embd of IQ2_S/IQ2_M -> IQ3_S', when: iq2sOrM, then: 'IQ3_S' },
      { reason: 'token_embd of IQ3_XXS -> IQ3_S', when: is('IQ3_XXS'), then: 'IQ3_S' },
      { reason: 'token_embd of ternary ftypes and Q2_0 -> Q4_K', when: is('TQ1_0', 'TQ2_0', 'Q2_0'), then: 'Q4_K' },
    ],
  },
  {
    name: 'iq2 attn_v',
    applies: (c) => inIq2Family(c) && isAttnVLike(c.category),
    choose: [
      { reason: 'attn_v with GQA >= 4 or >= 4 experts -> Q4_K', when: (c) => c.nGqa >= 4 || c.nExpert >= 4, then: 'Q4_K' },
      { reason: 'attn_v of IQ2_S/IQ2_M -> IQ3_S', when: iq2sOrM, then: 'IQ3_S' },
      { reason: 'attn_v -> Q2_K', when: always, then: 'Q2_K' },
    ],
    counts: 'attnV',
  },
  {
    name: 'iq2 attn_k',
    applies: (c) => inIq2Family(c) && c.nExpert === 8 && c.category === 'attn_k',
    choose: [{ reason: 'attn_k with 8 experts -> Q4_K', when: always, then: 'Q4_K' }],
  },
  {
    name: 'iq2 ffn_down',
    applies: (c) => inIq2Family(c) && c.category === 'ffn_down',
    choose: [{
      reason: (c, t) => `ffn_down ${c.seen.ffnDown} of ${c.total.ffnDown}, in the first eighth -> ${t}`,
      when: (c) => c.seen.ffnDown < div(c.total.ffnDown, 8),
      then: (c) => (iq2sOrM(c) ? 'IQ3_S' : 'Q2_K'),
    }],
    counts: 'ffnDown',
  },
  {
    name: 'iq2 attn_output',
    applies: (c) => inIq2Family(c) && c.category === 'attn_output',
    choose: [
      { reason: 'attn_output with 8 experts -> Q5_K', when: (c) => c.nExpert === 8, then: 'Q5_K' },
      { reason: 'attn_output of IQ1_S/IQ1_M -> IQ2_XXS', when: is('IQ1_S', 'IQ1_M'), then: 'IQ2_XXS' },
      { reason: 'attn_output of IQ2_S/IQ2_M -> IQ3_S', when: iq2sOrM, then: 'IQ3_S' },
    ],
  },
  { name: 'iq2 other', applies: inIq2Family, choose: [] },
  {
    name: 'attn_v',
    applies: (c) => isAttnVLike(c.category),
    choose: [
      { reason: (c, t) => `Q2_K: attn_v with GQA ${c.nGqa} -> ${t}`, when: is('Q2_K'), then: (c) => (c.nGqa >= 4 ? 'Q4_K' : 'Q3_K') },
      { reason: 'Q2_K_S: attn_v with GQA >= 4 -> Q4_K', when: (c) => c.ftype === 'Q2_K_S' && c.nGqa >= 4, then: 'Q4_K' },
      {
        reason: (c, t) => `IQ3_XXS: attn_v with GQA ${c.nGqa}${c.hasImatrix ? '' : ', no imatrix'} -> ${t}`,
        when: is('IQ3_XXS'),
        then: (c) => (c.nGqa >= 4 ? 'Q4_K' : !c.hasImatrix ? 'IQ3_S' : 'IQ3_XXS'),
      },
      { reason: 'IQ3_XS/IQ3_S: attn_v with GQA >= 4 -> Q4_K', when: (c) => is('IQ3_XS', 'IQ3_S')(c) && c.nGqa >= 4, then: 'Q4_K' },
      { reason: 'IQ3_M: attn_v -> Q4_K', when: is('IQ3_M'), then: 'Q4_K' },
      { reason: (c, t) => `Q3_K_M: ${atAttnV(c)} (first two: Q5_K) -> ${t}`, when: is('Q3_K_M'), then: (c) => (c.seen.attnV < 2 ? 'Q5_K' : 'Q4_K') },
      { reason: 'Q3_K_L: attn_v -> Q5_K', when: is('Q3_K_L'), then: 'Q5_K' },
      { reason: 'IQ4_NL/IQ4_XS: attn_v with GQA >= 4 -> Q5_K', when: (c) => is('IQ4_NL', 'IQ4_XS')(c) && c.nGqa >= 4, then: 'Q5_K' },
      { reason: (c) => `${c.ftype}: ${atAttnV(c)} is a use_more_bits one -> Q6_K`, when: (c) => is('Q4_K_M', 'Q5_K_M')(c) && moreBitsAttnV(c), then: 'Q6_K' },
      { reason: (c) => `Q4_K_S: ${atAttnV(c)}, one of the first four -> Q5_K`, when: (c) => c.ftype === 'Q4_K_S' && c.seen.attnV < 4, then: 'Q5_K' },
    ],
    adjust: [
      { reason: '70B: attn_v Q3_K/Q4_K -> Q5_K', when: (c) => c.is70B && (c.current === 'Q3_K' || c.current === 'Q4_K'), then: 'Q5_K' },
      { reason: 'attn_v with 8 experts -> Q8_0', when: (c) => c.nExpert === 8, then: 'Q8_0' },
    ],
    counts: 'attnV',
  },
  {
    name: 'attn_k',
    applies: (c) => c.category === 'attn_k',
    choose: [
      { reason: 'attn_k with 8 experts -> Q8_0', when: (c) => c.nExpert === 8, then: 'Q8_0' },
      { reason: 'IQ3_XS: attn_k -> IQ3_XXS', when: is('IQ3_XS'), then: 'IQ3_XXS' },
      { reason: 'IQ3_XXS: attn_k -> IQ2_S', when: is('IQ3_XXS'), then: 'IQ2_S' },
    ],
  },
  {
    name: 'attn_q',
    applies: (c) => c.category === 'attn_q',
    choose: [
      { reason: 'IQ3_XS: attn_q -> IQ3_XXS', when: is('IQ3_XS'), then: 'IQ3_XXS' },
      { reason: 'IQ3_XXS: attn_q -> IQ2_S', when: is('IQ3_XXS'), then: 'IQ2_S' },
    ],
  },
  {
    name: 'ffn_down',
    applies: (c) => c.category === 'ffn_down',
    layerFrom: 'ffnDown',
    choose: [
      { reason: 'Q2_K: ffn_down -> Q3_K', when: is('Q2_K'), then: 'Q3_K' },
      { reason: (c) => `Q2_K_S: ffn_down ${atLayer(c)}, in the first eighth -> Q4_K`, when: is('Q2_K_S'), then: (c) => (firstEighth(c) ? 'Q4_K' : null) },
      {
        reason: (c, t) => `IQ3_XXS without imatrix: ffn_down ${atLayer(c)} (first eighth: Q4_K) -> ${t}`,
        when: (c) => c.ftype === 'IQ3_XXS' && !c.hasImatrix,
        then: (c) => (firstEighth(c) ? 'Q4_K' : 'Q3_K'),
      },
      {
        reason: (c, t) => `Q3_K_M: ffn_down ${atLayer(c)} (first sixteenth: Q5_K${falcon(c) ? ', falcon: Q4_K in use_more_bits layers' : ''}) -> ${t}`,
        when: is('Q3_K_M'),
        then: (c) => (c.layer.i < div(c.layer.n, 16) ? 'Q5_K' : !falcon(c) || moreBitsLayer(c) ? 'Q4_K' : 'Q3_K'),
      },
      {
        reason: (c) => `IQ3_M: ffn_down ${atLayer(c)}, ${firstEighth(c) ? 'in the first eighth' : 'a use_more_bits layer with 8 experts'} -> Q4_K`,
        when: (c) => c.ftype === 'IQ3_M' && (firstEighth(c) || (c.nExpert === 8 && moreBitsLayer(c))),
        then: 'Q4_K',
      },
      { reason: (c, t) => `Q3_K_L: ffn_down${falcon(c) ? ' (falcon)' : ''} -> ${t}`, when: is('Q3_K_L'), then: (c) => (falcon(c) ? 'Q4_K' : 'Q5_K') },
      {
        reason: (c, t) => `Q4_K_M: ffn_down ${atLayer(c)}${falcon(c) ? ' (falcon: first sixteenth Q6_K, use_more_bits Q5_K)' : ' is a use_more_bits layer'} -> ${t}`,
        when: is('Q4_K_M'),
        then: (c) => (falcon(c)
          ? (c.layer.i < div(c.layer.n, 16) ? 'Q6_K' : moreBitsLayer(c) ? 'Q5_K' : 'Q4_K')
          : (moreBitsLayer(c) ? 'Q6_K' : null)),
      },
      {
        reason: (c) => `${c.ftype} without imatrix: ffn_down ${atLayer(c)}, in the first eighth -> Q5_K`,
        when: (c) => firstEighth(c) && is('IQ4_NL', 'IQ4_XS')(c) && !c.hasImatrix,
        then: 'Q5_K',
      },
      { reason: (c) => `Q5_K_M: ffn_down ${atLayer(c)} is a use_more_bits layer -> Q6_K`, when: (c) => c.ftype === 'Q5_K_M' && moreBitsLayer(c), then: 'Q6_K' },
      {
        reason: (c) => `Q4_K_S: ffn_down ${atLayer(c)}, in the first eighth -> Q5_K`,
        when: (c) => c.ftype === 'Q4_K_S' && !falcon(c) && firstEighth(c),
        then: 'Q5_K',
      },
      {
        reason: (c, t) => `${c.ftype} with imatrix: ffn_down ${atLayer(c)}, in the first eighth -> ${t}`,
        when: (c) => is('Q4_0', 'Q5_0')(c) && c.hasImatrix && firstEighth(c),
        then: (c) => (c.ftype === 'Q4_0' ? 'Q4_1' : 'Q5_1'),
      },
    ],
    counts: 'ffnDown',
  },
  {
    name: 'attn_output',
    applies: (c) => c.category === 'attn_output',
    choose: [
      {
        reason: 'attn_output with 8 experts -> Q5_K',
        when: (c) => !falcon(c) && c.nExpert === 8,
        then: (c) => (EIGHT_EXPERT_ATTN_OUTPUT_Q5_K(c) ? 'Q5_K' : null),
      },
      { reason: 'Q2_K: attn_output -> Q3_K', when: (c) => !falcon(c) && c.ftype === 'Q2_K', then: 'Q3_K' },
      { reason: 'IQ3_XXS: attn_output -> IQ3_S', when: (c) => !falcon(c) && c.ftype === 'IQ3_XXS', then: 'IQ3_S' },
      { reason: 'Q3_K_M: attn_output -> Q4_K', when: (c) => !falcon(c) && c.ftype === 'Q3_K_M', then: 'Q4_K' },
      { reason: 'Q3_K_L: attn_output -> Q5_K', when: (c) => !falcon(c) && c.ftype === 'Q3_K_L', then: 'Q5_K' },
      { reason: 'IQ3_M: attn_output -> Q4_K', when: (c) => !falcon(c) && c.ftype === 'IQ3_M', then: 'Q4_K' },
      { reason: 'falcon Q3_K_L: attn_output -> Q4_K', when: (c) => falcon(c) && c.ftype === 'Q3_K_L', then: 'Q4_K' },
    ],
  },
  {
    name: 'ffn_gate',
    applies: (c) => c.category === 'ffn_gate',
    layerFrom: 'ffnGate',
    choose: [{
      reason: (c) => `IQ3_XS: ffn_gate ${atLayer(c)}, a middle layer -> IQ3_XXS`,
      when: (c) => c.ftype === 'IQ3_XS' && c.layer.i >= div(c.layer.n, 8) && c.layer.i < div(7 * c.layer.n, 8),
      then: 'IQ3_XXS',
    }],
    counts: 'ffnGate',
  },
  {
    name: 'ffn_up',
    applies: (c) => c.category === 'ffn_up',
    layerFrom: 'ffnUp',
    choose: [{
      reason: (c) => `IQ3_XS: ffn_up ${atLayer(c)}, a middle layer -> IQ3_XXS`,
      when: (c) => c.ftype === 'IQ3_XS' && c.layer.i >= div(c.layer.n, 8) && c.layer.i < div(7 * c.layer.n, 8),
      then: 'IQ3_XXS',
    }],
    counts: 'ffnUp',
  },
];

/**
 * (i_layer, n_layer) for a per-layer rule. // layer_info: dense models count the tensors of the
 * kind; MoE models (their experts are not in layer order) read the layer from the name.
 */
export function layerInfo(name: string, seen: number, total: number, nExpert: number): { i: number; n: number } {
  if (Math.max(1, nExpert) <= 1) return { i: seen, n: total };
  const i = layerOfName(name);
  if (i === null) throw new FormatError('llama.cpp', `Failed to determine layer for tensor ${name}`);
  if (i < 0 || i >= total) throw new FormatError('llama.cpp', `Bad layer ${i} for tensor ${name}. Must be in [0, ${total})`);
  return { i, n: total };
}

export interface RuleOutcome {
  readonly type: GgmlDType;
  /** The rules that changed the type, or null when the ftype's default stands. */
  readonly reason: string | null;
  /** The counter the caller advances. */
  readonly counts: Counter | null;
}

/** Runs the first branch that applies. `context` carries the default type as `current`. */
export function applyRules(context: Omit<RuleContext, 'layer'>): RuleOutcome {
  const branch = BRANCHES.find((b) => b.applies({ ...context, layer: { i: 0, n: 0 } }));
  if (!branch) return { type: context.current, reason: null, counts: null };
  const layer = branch.layerFrom
    ? layerInfo(context.name, context.seen[branch.layerFrom], context.total[branch.layerFrom], context.nExpert)
    : { i: 0, n: 0 };
  let c: RuleContext = { ...context, layer };
  const reasons: string[] = [];
  const apply = (rule: Rule): boolean => {
    if (!rule.when(c)) return false;
    const type = typeof rule.then === 'function' ? rule.then(c) : rule.then;
    if (type !== null) {
      const before = c;
      c = { ...c, current: type };
      reasons.push(typeof rule.reason === 'string' ? rule.reason : rule.reason(before, type));
    }
    return true;
  };
  for (const rule of branch.choose) if (apply(rule)) break;
  for (const rule of branch.adjust ?? []) apply(rule);
  return { type: c.current, reason: reasons.length > 0 ? reasons.join('; ') : null, counts: branch.counts ?? null };
}
