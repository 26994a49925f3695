import { UsageError } from '../../errors';
import type { Front } from './front';

/** The plan for one budget, and how far from optimal it can be. */
export interface BudgetSolution {
  /** Per unit, the index of the chosen option. */
  readonly choice: Int32Array;
  readonly bytes: number;
  readonly damage: number;
  /**
   * The Lagrangian (LP) bound: no plan within the budget has less damage than this. It is
   * `damage` when the greedy walk took every upgrade up to the budget without splitting one.
   */
  readonly lowerBound: number;
  /** damage - lowerBound: the proven distance to the optimum. */
  readonly gap: number;
}

/**
 * The least-damage plan the front's upgrade order finds within `budgetBytes`: upgrades in order
 * while they fit; one that does not fit closes its unit (its later edges assume it) and the walk
 * goes on with cheaper upgrades of other units. O(upgrades): fast enough for every slider move.
 */
export function solveAt(front: Front, budgetBytes: number): BudgetSolution {
  if (!(budgetBytes >= front.startBytes)) {
    throw new UsageError(`budget of ${budgetBytes} bytes is below the smallest plan (${front.startBytes} bytes)`);
  }
  const choice = Int32Array.from(front.start);
  const closed = new Uint8Array(choice.length);
  let bytes = front.startBytes;
  let damage = front.startDamage;
  let lowerBound: number | null = null;
  for (const u of front.upgrades) {
    if (closed[u.unit]) continue;
    if (bytes + u.addedBytes <= budgetBytes) {
      choice[u.unit] = u.to;
      bytes += u.addedBytes;
      damage -= u.savedDamage;
      continue;
    }
    // the first upgrade that does not fit: the LP optimum takes the part of it that fits
    lowerBound ??= damage - (u.savedDamage * (budgetBytes - bytes)) / u.addedBytes;
    closed[u.unit] = 1;
  }
  const finalDamage = Math.max(0, damage);
  const bound = Math.min(finalDamage, Math.max(0, lowerBound ?? finalDamage));
  return { choice, bytes, damage: finalDamage, lowerBound: bound, gap: finalDamage - bound };
}
