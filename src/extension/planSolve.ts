/**
 * The solver's side of the Plan tab, from a model's per-candidate errors: the problem built once,
 * its Pareto front, the stock presets priced by the same error model, and a plan at any budget
 * (well under a millisecond: the slider re-solves on every move, nothing is re-quantized).
 * Plain TypeScript (no vscode), so it is unit-tested.
 */
import { errorKeyOf } from '../core/plan/costModel';
import { isExactCopy, type ErrorTable } from '../core/plan/errors/errorTable';
import type { Plan, PlanTensor } from '../core/plan/planTypes';
import { buildPlanProblem, type PlanProblem } from '../core/plan/solver/planProblem';
import {
  paretoOf, planAtBudget, predictPlan, smallestPlan, type BudgetPlan, type ParetoPoint as SolverPoint, type PredictedPlan,
} from '../core/plan/solver/planAtBudget';
import { UsageError } from '../core/errors';
import type { BudgetRange, BudgetUnit, ParetoPoint, PlanRefit } from '../shared/planPanelProtocol';
import type { TargetModel } from './planTargetModel';

export interface SolvedModel {
  readonly problem: PlanProblem;
  /** The solver's front, as planAtBudget takes it (computed once, not per re-solve). */
  readonly pareto: SolverPoint[];
  /** The presets the solver also improves on at every budget (the CLI's default ones). */
  readonly seeds: readonly Plan[];
  readonly front: readonly ParetoPoint[];
  /** Each preset priced by the error model (presets using a type without errors are left out). */
  readonly presets: ReadonlyMap<string, PredictedPlan>;
  readonly range: BudgetRange;
}

/** Every tensor the preset changes has an error under the candidate it chose. */
function priced(plan: Plan, tensors: readonly PlanTensor[], errors: ErrorTable): boolean {
  return plan.tensors.every((t, i) => isExactCopy(t.candidate, tensors[i]!) || errors.relErr[t.name]?.[errorKeyOf(t.candidate)] !== undefined);
}

/**
 * The problem over the target's default candidates, as the CLI's `plan --budget-*` builds it (its
 * stock plans as the solver's starts); `alphaScale` multiplies every tensor's alpha (a refit to a
 * measured point; 1: the role defaults).
 */
export function solveModel(m: TargetModel, errors: ErrorTable, alphaScale = 1): SolvedModel {
  const { tensors } = m.model;
  const problem = buildPlanProblem(tensors, m.target.defaultCandidates, errors, m.target, alphaScale, m.stock);
  const pareto = paretoOf(problem);
  const predicted = new Map<string, PredictedPlan>();
  for (const [name, plan] of m.presets) {
    if (priced(plan, tensors, errors)) predicted.set(name, predictPlan(plan, tensors, errors, problem.alphas));
  }
  const smallest = smallestPlan(problem);
  const largest = pareto.at(-1)?.bytes ?? smallest.bytes;
  return {
    problem, pareto, seeds: m.seeds,
    front: pareto.map((p) => ({ bytes: p.bytes, bitsPerWeight: p.bitsPerWeight, damage: p.predictedDamage })),
    presets: predicted,
    range: { minBytes: smallest.bytes, maxBytes: largest, totalValues: problem.totalValues },
  };
}

/**
 * The alpha scale that makes `refit.preset`'s predicted damage equal the measured value (damage is
 * linear in alpha: the plans chosen stay the same, their damage gets the measurement's unit).
 */
export function refitScale(solved: SolvedModel, refit: PlanRefit): number {
  const predicted = solved.presets.get(refit.preset)?.predictedDamage;
  if (predicted === undefined) throw new UsageError(`refit: ${refit.preset} has no predicted damage (one of ${[...solved.presets.keys()].join(', ')})`);
  if (!(Number.isFinite(refit.measured) && refit.measured > 0)) throw new UsageError(`refit: the measured value must be a positive number, got ${refit.measured}`);
  if (!(predicted > 0)) throw new UsageError(`refit: ${refit.preset} is predicted to do no damage, so it cannot set the scale`);
  return refit.measured / predicted;
}

/** The solver's plan at a budget in the panel's units. */
export function planAt(solved: SolvedModel, unit: BudgetUnit, value: number): BudgetPlan {
  return planAtBudget(solved.problem, unit === 'bpw' ? { bpw: value } : { bytes: value }, solved.pareto, solved.seeds);
}

/** `4.80 bpw plan`, `5,000,000 bytes plan`: how the solver's plan is labelled. */
export function budgetLabel(unit: BudgetUnit, value: number): string {
  return unit === 'bpw' ? `${value.toFixed(2)} bpw plan` : `${Math.round(value).toLocaleString('en-US')} bytes plan`;
}
