/**
 * A weight file as one target tool sees it in the Plan tab: its tensors, the stock recipes the tool
 * applies to them, and what the error sweep prices. The same inputs the CLI's `plan --target T
 * --budget-*` uses (planBudgetCommand.ts), so the tab's numbers equal the CLI's. Plain TypeScript
 * (no vscode), so it is unit-tested.
 */
import { candidateName, type Candidate } from '../core/plan/costModel';
import type { SweptModel } from '../core/plan/errors/modelErrors';
import { openLlamaModel } from '../core/plan/llamaCpp/openLlamaModel';
import { stockPlans } from '../core/plan/llamaCpp/stockPlans';
import type { Plan, PlanTargetName, PlanTensor } from '../core/plan/planTypes';
import { candidatesFor } from '../core/plan/solver/planProblem';
import { PLAN_TARGETS, type PlanTarget } from '../core/plan/targets';
import { openTargetModel } from '../core/plan/targets/openTargetModel';
import { OWN_NAMES, presetsAmong, targetStockPlans } from '../core/plan/targets/presets';
import { GGML_TYPES } from '../core/quant/ggml';
import { applicablePresets, LLAMA_CPP_RULES } from './planShown';

export interface TargetModel {
  readonly target: PlanTarget;
  readonly model: SweptModel;
  /** The stock recipes the picker offers, by name, as the tool applies them to this file. */
  readonly presets: ReadonlyMap<string, Plan>;
  /** Every stock plan the tool would apply: the solver starts from them, so it is never worse than one at its size. */
  readonly stock: readonly Plan[];
  /** The presets the CLI also improves on by default (`presetsAmong`; none for llama.cpp). */
  readonly seeds: readonly Plan[];
  /** Whose rules, in words (`llama.cpp 81ff7abe`, `modelopt stock recipes`). */
  readonly rules: string;
}

/** The file's tensors as `target` plans them, and its stock plans (headers only; llama.cpp's depend on the imatrix). */
export async function openTargetPlanModel(paths: readonly string[], name: PlanTargetName, hasImatrix: boolean): Promise<TargetModel> {
  const target = PLAN_TARGETS[name];
  if (name === 'llama.cpp') {
    const model = await openLlamaModel(paths);
    return { target, model, presets: applicablePresets(model, hasImatrix), stock: stockPlans(model, hasImatrix), seeds: [], rules: LLAMA_CPP_RULES };
  }
  return targetModelOf(target, await openTargetModel(paths));
}

/** The tools other than llama.cpp plan the file's own tensors. */
export function targetModelOf(target: PlanTarget, tensors: readonly PlanTensor[]): TargetModel {
  if (target.name === 'llama.cpp') throw new Error('llama.cpp models are opened by openTargetPlanModel');
  const presets = targetStockPlans(target, tensors);
  return {
    target, model: { tensors, facts: OWN_NAMES }, presets, stock: [...presets.values()],
    seeds: presetsAmong(target, target.defaultCandidates).map((p) => presets.get(p)!),
    rules: `${target.name} stock recipes`,
  };
}

/**
 * Whether the worker can price the candidate: one of the target's candidates (llama.cpp's TQ1_0 is
 * not) whose round trip this build has (ggml types without a quantizer here, e.g. IQ2_XXS, have none).
 */
function priceable(target: PlanTarget, candidate: Candidate): boolean {
  const name = candidateName(candidate);
  return target.candidates.some((c) => candidateName(c) === name) && (candidate.kind !== 'ggml' || GGML_TYPES.get(candidate.type)?.quantize !== undefined);
}

/** What the sweep prices: the candidates the tool writes for each planned tensor (fallbacks included), and whatever a preset stores. */
export interface SweepScope {
  readonly planned: (tensor: PlanTensor) => boolean;
  readonly candidatesOf: (tensor: PlanTensor) => readonly Candidate[];
}

export function sweepScope(m: TargetModel): SweepScope {
  const { target } = m;
  // presets may store tensors the target's rules keep: price every tensor they change (a preset using a type without a quantizer is left off the chart)
  const extra = new Map<string, Candidate[]>();
  for (const p of m.presets.values()) {
    for (const t of p.tensors) {
      const list = extra.get(t.name) ?? [];
      if (priceable(target, t.candidate) && !list.some((c) => candidateName(c) === candidateName(t.candidate))) list.push(t.candidate);
      extra.set(t.name, list);
    }
  }
  const planned = (t: PlanTensor): boolean => target.notPlanned(t) === null;
  return {
    planned: (t) => planned(t) || (extra.get(t.name)?.length ?? 0) > 0,
    candidatesOf: (t) => [...(planned(t) ? candidatesFor(target, t, target.defaultCandidates) : []), ...(extra.get(t.name) ?? [])],
  };
}
