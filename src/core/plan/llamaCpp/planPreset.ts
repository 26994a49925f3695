/**
 * A llama.cpp stock recipe, tensor by tensor, as llama-quantize of llama.cpp
 * 81ff7abe50b95fb81cc70a6cdba1eb1a02a48f62 applies it (src/llama-quant.cpp
 * llama_model_quantize_impl + llama_tensor_get_type, MIT): the same processing order, counters,
 * rules, fallbacks, exclusions and imatrix requirements.
 */
import { FormatError, UsageError } from '../../errors';
import { candidateOfType, isGgmlType, rowFits, typeBytes } from '../costModel';
import type { Plan, PlannedTensor, PlanTensor, PlanType } from '../planTypes';
import { categoryOf, compareWeightNames, isAttnVLike, OUTPUT_NAME } from './categories';
import { fallbackFor } from './fallback';
import { ftypeOf, LLAMA_FTYPES, presetNames, type LlamaFtype } from './ftypes';
import { is70B, nGqa, type LlamaModelFacts } from './modelFacts';
import { needsImatrix } from './needsImatrix';
import { whyNotQuantized } from './notQuantized';
import { applyRules, type Counter } from './rules';

/** A model as llama-quantize sees it: GGUF tensor names and ggml dims, and the hparams the rules read. */
export interface LlamaModel {
  readonly facts: LlamaModelFacts;
  readonly tensors: readonly PlanTensor[];
  /** Set when the architecture is unknown and llama-quantize's generic rules apply (genericModel.ts): why, in words. */
  readonly generic?: string;
}

export interface LlamaPresetOptions {
  /** An ftype name as llama-quantize takes it (Q4_K_M, q4_k, Q4_K, ...). */
  readonly preset: string;
  /** An importance matrix is given (--imatrix): some rules and the very-low-bit types depend on it. */
  readonly hasImatrix?: boolean;
  /** --pure: every tensor at the default type, no mixture rules and no fallbacks. */
  readonly pure?: boolean;
}

/** Types llama-quantize converts from; others cannot be re-quantized without --allow-requantize. */
const CONVERTIBLE: ReadonlySet<string> = new Set(['F32', 'F16', 'BF16']);

export function resolvePreset(preset: string): LlamaFtype {
  const ftype = ftypeOf(preset);
  if (!ftype) throw new UsageError(`unknown llama.cpp preset '${preset}' (one of ${presetNames().join(', ')})`);
  return ftype;
}

interface Choice {
  readonly type: PlanType;
  readonly requested: PlanType | null;
  readonly reason: string;
}

/** A llama.cpp plan, and the tensors whose type llama-quantize refuses to write without --imatrix (when none is given). */
export interface LlamaPlan extends Plan {
  readonly needsImatrix: readonly string[];
}

export function planLlamaCppPreset(model: LlamaModel, options: LlamaPresetOptions): LlamaPlan {
  const ftype = resolvePreset(options.preset);
  const defaultType: PlanType = LLAMA_FTYPES[ftype].defaultType;
  const hasImatrix = options.hasImatrix ?? false;
  // mixture rules and fallbacks run only for quantized ftypes, and not with --pure
  const ruleDefault = !options.pure && isGgmlType(defaultType) ? defaultType : null;
  const { facts, tensors } = model;
  // init_quantize_state_counters: over every tensor, quantizable or not
  const total: Record<Counter, number> = {
    attnV: tensors.filter((t) => isAttnVLike(categoryOf(t.name))).length,
    ffnDown: facts.nLayer, ffnGate: facts.nLayer, ffnUp: facts.nLayer,
  };
  const seen: Record<Counter, number> = { attnV: 0, ffnDown: 0, ffnGate: 0, ffnUp: 0 };
  const hasTiedEmbeddings = !tensors.some((t) => t.name === OUTPUT_NAME);
  const shared = {
    ftype, architecture: facts.architecture, nGqa: nGqa(facts), nExpert: facts.nExpert, is70B: is70B(facts),
    hasImatrix, hasTiedEmbeddings, total,
  };

  const choose = (t: PlanTensor): Choice => {
    if (ruleDefault === null) {
      if (options.pure && !rowFits(defaultType, t.ne[0] ?? 1)) {
        throw new FormatError('llama.cpp', `${t.name}: --pure ${defaultType}, but a row of ${t.ne[0]} values is not a whole number of its blocks; llama-quantize fails on it`);
      }
      return { type: defaultType, requested: null, reason: options.pure ? `--pure: ${defaultType}` : `${ftype}: every quantizable tensor` };
    }
    const outcome = applyRules({ ...shared, name: t.name, category: categoryOf(t.name), ne: t.ne, current: ruleDefault, seen: { ...seen } });
    if (outcome.counts) seen[outcome.counts] += 1;
    const reason = outcome.reason ?? `${ftype} default ${defaultType}`;
    const fallback = fallbackFor(t.name, t.ne[0] ?? 1, outcome.type);
    if (!fallback.reason) return { type: outcome.type, requested: null, reason };
    return { type: fallback.type, requested: outcome.type, reason: `${reason}; ${fallback.reason}` };
  };

  const planned: PlannedTensor[] = new Array<PlannedTensor>(tensors.length);
  const needsImatrixNames: string[] = [];
  const order = tensors.map((_, i) => i).sort((a, b) => compareWeightNames(tensors[a]!.name, tensors[b]!.name));
  for (const i of order) {
    const t = tensors[i]!;
    const kept = whyNotQuantized(t.name, t.ne);
    if (kept !== null) {
      planned[i] = { name: t.name, type: t.type, candidate: { kind: 'keep' }, bytes: t.bytes, requested: null, reason: `kept as ${t.type}: ${kept}` };
      continue;
    }
    const choice = choose(t);
    if (!hasImatrix && needsImatrix(t.name, choice.type, ftype)) needsImatrixNames.push(t.name);
    if (choice.type !== t.type && !CONVERTIBLE.has(t.type)) {
      throw new FormatError('llama.cpp', `${t.name} is stored as ${t.type}; llama-quantize converts from F32, F16 or BF16 (re-quantizing needs --allow-requantize)`);
    }
    const bytes = choice.type === t.type ? t.bytes : typeBytes(choice.type, t.ne);
    planned[i] = { name: t.name, ...choice, candidate: candidateOfType(choice.type), bytes };
  }

  const totalBytes = planned.reduce((n, t) => n + t.bytes, 0);
  const totalValues = tensors.reduce((n, t) => n + t.numel, 0);
  return {
    target: 'llama.cpp', preset: ftype, tensors: planned, totalBytes, totalValues,
    bitsPerWeight: totalValues > 0 ? (8 * totalBytes) / totalValues : 0,
    needsImatrix: needsImatrixNames,
  };
}
