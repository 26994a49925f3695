import { UsageError } from '../../errors';
import { tensorDamage } from '../damage/alpha';
import { relErrOf, sqnrDbOf, type ErrorTable } from '../errors/errorTable';
import type { Plan, PlannedTensor, PlanTensor } from '../planTypes';
import { seedOf, type PlanProblem, type PlanSeed } from './planProblem';
import { assignmentOf, improveWithin, type Assignment } from './improve';
import { solveAt, type BudgetSolution } from './solveAt';

/** A size budget: bits per weight (over all values, as llama.cpp reports a file's bpw) or bytes. */
export type Budget = { readonly bpw: number } | { readonly bytes: number };

/** What the error model predicts for one tensor. */
export interface TensorPrediction {
  readonly relErr: number;
  /** -20 log10 relErr; null for an exact copy (JSON has no Infinity). */
  readonly sqnrDb: number | null;
  /** alpha * relErr^2: its share of the predicted damage. */
  readonly damage: number;
}

export interface PredictedTensor extends PlannedTensor {
  readonly predicted: TensorPrediction;
}

/** A plan on the front: its size and damage. */
export interface ParetoPoint {
  readonly bytes: number;
  readonly bitsPerWeight: number;
  readonly predictedDamage: number;
}

/** A plan with the error model's predictions (a solver plan, or a preset once errors are known). */
export interface PredictedPlan extends Plan {
  readonly tensors: readonly PredictedTensor[];
  readonly predictedDamage: number;
}

export interface BudgetPlan extends PredictedPlan {
  readonly budget: Budget;
  /** No plan within the budget has less predicted damage than this (the Lagrangian bound). */
  readonly damageLowerBound: number;
  /** predictedDamage - damageLowerBound. */
  readonly optimalityGap: number;
  /** The convex Pareto front over the candidates, smallest first. */
  readonly pareto: readonly ParetoPoint[];
}

const bpwOf = (bytes: number, values: number): number => (values > 0 ? (8 * bytes) / values : 0);

export function budgetBytes(budget: Budget, totalValues: number): number {
  return 'bytes' in budget ? budget.bytes : Math.floor((budget.bpw * totalValues) / 8);
}

/** The smallest plan of the problem: the floor any budget must reach. */
export function smallestPlan(problem: PlanProblem): { readonly bytes: number; readonly bitsPerWeight: number } {
  const bytes = problem.fixedBytes + problem.front.startBytes;
  return { bytes, bitsPerWeight: bpwOf(bytes, problem.totalValues) };
}

export function paretoOf(problem: PlanProblem): ParetoPoint[] {
  return problem.front.points.map((p) => {
    const bytes = p.bytes + problem.fixedBytes;
    return { bytes, bitsPerWeight: bpwOf(bytes, problem.totalValues), predictedDamage: p.damage };
  });
}

/** 1234567 -> 1,234,567 (toLocaleString is slow enough to dominate a re-solve). */
const count = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function prediction(relErr: number, damage: number): TensorPrediction {
  const sqnr = sqnrDbOf(relErr);
  return { relErr, sqnrDb: Number.isFinite(sqnr) ? sqnr : null, damage };
}

/**
 * The Lagrangian walk's plan, or a better one: from the best of it and the stock plans that fit,
 * improved by fill and exchange moves. The bound stays the Lagrangian one (valid for every plan
 * over these options), so the gap shrinks by what the moves saved.
 */
function bestWithin(problem: PlanProblem, unitBytes: number, extraSeeds: readonly PlanSeed[]): BudgetSolution {
  const walk = solveAt(problem.front, unitBytes);
  const options = problem.units.map((u) => u.options);
  // a gap of 0 is optimal over these options: no stock plan can beat it (damage summed again: the walk's differences drift)
  if (walk.gap === 0) {
    const exact = assignmentOf(options, walk.choice).damage;
    return { ...walk, damage: exact, lowerBound: Math.min(walk.lowerBound, exact), gap: 0 };
  }
  const seeds = [...problem.seeds, ...extraSeeds].map((s) => assignmentOf(options, s.choice)).filter((a) => a.bytes <= unitBytes);
  const bestSeed = seeds.reduce<Assignment | null>((a, b) => (a === null || b.damage < a.damage ? b : a), null);
  const improved = [walk, ...(bestSeed ? [bestSeed] : [])]
    .map((start) => improveWithin(options, start, unitBytes))
    .reduce((a, b) => (b.damage < a.damage ? b : a));
  if (!(improved.damage < walk.damage)) return walk;
  const lowerBound = Math.min(walk.lowerBound, improved.damage);
  return { choice: improved.choice, bytes: improved.bytes, damage: improved.damage, lowerBound, gap: improved.damage - lowerBound };
}

/** A UsageError naming the smallest plan's size when `budget` is below it. */
export function assertReachable(budget: Budget, smallestBytes: number, totalValues: number): void {
  if (budgetBytes(budget, totalValues) >= smallestBytes) return;
  const asked = 'bpw' in budget ? `${budget.bpw} bits per weight` : `${count(budget.bytes)} bytes`;
  throw new UsageError(`budget ${asked} is below the smallest plan over these candidates: ${bpwOf(smallestBytes, totalValues).toFixed(4)} bits per weight (${count(smallestBytes)} bytes)`);
}

/**
 * The least-damage plan within `budget`; a budget below the smallest plan is a UsageError naming
 * that plan's size. Each of `seeds` (presets asked for beside the problem's own stock plans) that
 * fits the budget and is one of the problem's plans is a start for the same moves: the result is never worse than it.
 */
export function planAtBudget(problem: PlanProblem, budget: Budget, pareto = paretoOf(problem), seeds: readonly Plan[] = []): BudgetPlan {
  const limit = budgetBytes(budget, problem.totalValues);
  assertReachable(budget, smallestPlan(problem).bytes, problem.totalValues);
  const unitBytes = limit - problem.fixedBytes;
  const solution = bestWithin(problem, unitBytes, seeds.map((p) => seedOf(p, problem.units)).filter((s): s is PlanSeed => s !== null));
  const planned = new Array<PredictedTensor>(problem.tensors.length);
  problem.tensors.forEach((t, i) => {
    const reason = problem.fixedReasons[i];
    if (reason !== null && reason !== undefined) {
      planned[i] = {
        name: t.name, type: t.type, candidate: { kind: 'keep' }, bytes: t.bytes, requested: null, reason: `kept as ${t.type}: ${reason}`, predicted: prediction(0, 0),
      };
    }
  });
  problem.units.forEach((unit, u) => {
    const chosen = unit.options[solution.choice[u]!]!;
    const cheapest = unit.options[problem.front.start[u]!]!;
    const reason = chosen === cheapest
      ? `solver: the cheapest candidate`
      : `solver: +${count(chosen.bytes - cheapest.bytes)} bytes over ${cheapest.members.map((m) => m.type).filter((v, k, a) => a.indexOf(v) === k).join('/')} buys -${(cheapest.damage - chosen.damage).toExponential(2)} damage`;
    const grouped = unit.group === null ? '' : ` (group ${unit.group})`;
    unit.tensors.forEach((i, k) => {
      const m = chosen.members[k]!;
      const t = problem.tensors[i]!;
      planned[i] = {
        name: t.name, type: m.type, candidate: m.candidate, bytes: m.bytes, requested: m.requested,
        reason: reason + grouped + (m.fallback === null ? '' : `; ${m.fallback}`),
        predicted: prediction(m.relErr, tensorDamage(problem.alphas[i]!, m.relErr)),
      };
    });
  });
  const totalBytes = planned.reduce((n, t) => n + t.bytes, 0);
  return {
    target: problem.target, preset: null, tensors: planned, totalBytes, totalValues: problem.totalValues,
    bitsPerWeight: bpwOf(totalBytes, problem.totalValues),
    budget, predictedDamage: solution.damage, damageLowerBound: solution.lowerBound, optimalityGap: solution.gap, pareto,
  };
}

/** Any plan (a stock preset) with the error model's predictions for the types it chose. */
export function predictPlan(plan: Plan, tensors: readonly PlanTensor[], errors: ErrorTable, alphas: Float64Array): PredictedPlan {
  let predictedDamage = 0;
  const predicted = plan.tensors.map((t, i) => {
    const relErr = relErrOf(errors, tensors[i]!, t.candidate);
    const damage = tensorDamage(alphas[i]!, relErr);
    predictedDamage += damage;
    return { ...t, predicted: prediction(relErr, damage) };
  });
  return { ...plan, tensors: predicted, predictedDamage };
}
