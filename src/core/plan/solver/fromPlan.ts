/**
 * A known plan (a stock preset) as a start for the solver: its choice per unit, then single-unit
 * exchange moves that lower the damage within the budget. Starting from a preset that fits, the
 * result is never worse than the preset, which the hull walk alone does not promise (a preset
 * need not lie on the convex front).
 */
import { candidateName } from '../costModel';
import type { Plan } from '../planTypes';
import type { PlanProblem } from './planProblem';

export interface Choice {
  readonly choice: Int32Array;
  readonly bytes: number;
  readonly damage: number;
}

/** The option each unit takes in `plan`, or null when the plan is not one of the problem's (a group split, a candidate not offered). */
export function choiceOfPlan(problem: PlanProblem, plan: Plan): Int32Array | null {
  const choice = new Int32Array(problem.units.length);
  for (const [u, unit] of problem.units.entries()) {
    const names = new Set(unit.tensors.map((i) => candidateName(plan.tensors[i]!.candidate)));
    if (names.size !== 1) return null;
    const [name] = names;
    const option = unit.options.findIndex((o) => candidateName(o.candidate) === name);
    if (option < 0) return null;
    choice[u] = option;
  }
  return choice;
}

/** Bytes (units only, fixed tensors excluded) and damage of a choice. */
export function choiceCost(problem: PlanProblem, choice: Int32Array): Choice {
  let bytes = 0;
  let damage = 0;
  problem.units.forEach((unit, u) => {
    const option = unit.options[choice[u]!]!;
    bytes += option.bytes;
    damage += option.damage;
  });
  return { choice, bytes, damage };
}

/**
 * From a choice within `budgetBytes` (units only): while some unit can switch to an option that
 * lowers the damage and still fits, take the switch saving the most damage per byte added (a
 * switch to fewer bytes and less damage first). Each move lowers the damage, so it ends.
 */
export function improveWithin(problem: PlanProblem, start: Int32Array, budgetBytes: number): Choice {
  const choice = Int32Array.from(start);
  let { bytes, damage } = choiceCost(problem, choice);
  for (;;) {
    let best: { unit: number; to: number; addedBytes: number; saved: number } | null = null;
    problem.units.forEach((unit, u) => {
      const now = unit.options[choice[u]!]!;
      unit.options.forEach((option, k) => {
        const saved = now.damage - option.damage;
        const addedBytes = option.bytes - now.bytes;
        if (!(saved > 0) || bytes + addedBytes > budgetBytes) return;
        // a move that frees bytes beats any that costs them; among the rest, damage saved per byte
        const better = best === null
          || (addedBytes <= 0 ? best.addedBytes > 0 || saved > best.saved : best.addedBytes > 0 && saved * best.addedBytes > best.saved * addedBytes);
        if (better) best = { unit: u, to: k, addedBytes, saved };
      });
    });
    if (best === null) return { choice, bytes, damage };
    const move: { unit: number; to: number; addedBytes: number; saved: number } = best;
    choice[move.unit] = move.to;
    bytes += move.addedBytes;
    damage -= move.saved;
  }
}
