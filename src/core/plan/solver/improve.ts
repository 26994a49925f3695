/**
 * Integral improvement of a plan within a budget: the Lagrangian walk stops at a hull edge that
 * does not fit, and a stock preset may use options off the hull, so either can leave damage on
 * the table. From a feasible start, repeat the best move until none is left: a single change
 * that fits (largest damage saved per byte, or a change that saves damage without bytes), else
 * an exchange (one unit up, another down, within the budget; largest net damage saved).
 */
import type { UnitOption } from './front';

/** Moves tried before giving up on a further gain: enough for hundreds of units, bounded for a slider's re-solve. */
export const MAX_IMPROVING_MOVES = 2000;
/** A move must save more than this share of the plan's damage (floating-point noise is no gain). */
const MIN_RELATIVE_GAIN = 1e-12;

export interface Assignment {
  /** Per unit, the index of the chosen option. */
  readonly choice: Int32Array;
  readonly bytes: number;
  readonly damage: number;
}

export function assignmentOf(units: readonly (readonly UnitOption[])[], choice: Int32Array): Assignment {
  let bytes = 0;
  let damage = 0;
  units.forEach((options, u) => {
    const o = options[choice[u]!]!;
    bytes += o.bytes;
    damage += o.damage;
  });
  return { choice, bytes, damage };
}

/** A change of one unit's option: bytes added (negative: freed) and damage saved (negative: added). */
interface Move {
  readonly unit: number;
  readonly to: number;
  readonly addedBytes: number;
  readonly savedDamage: number;
}

/** Per unit, its options no other option of the unit dominates (fewer or equal bytes and less or equal damage). */
function undominated(options: readonly UnitOption[]): number[] {
  const order = options.map((_, i) => i).sort((a, b) => options[a]!.bytes - options[b]!.bytes || options[a]!.damage - options[b]!.damage);
  const kept: number[] = [];
  let best = Infinity;
  for (const i of order) {
    if (options[i]!.damage < best) {
      kept.push(i);
      best = options[i]!.damage;
    }
  }
  return kept;
}

function movesFrom(units: readonly (readonly UnitOption[])[], useful: readonly (readonly number[])[], choice: Int32Array): Move[] {
  const moves: Move[] = [];
  units.forEach((options, unit) => {
    const current = options[choice[unit]!]!;
    for (const to of useful[unit]!) {
      if (to === choice[unit]) continue;
      const o = options[to]!;
      moves.push({ unit, to, addedBytes: o.bytes - current.bytes, savedDamage: current.damage - o.damage });
    }
  });
  return moves;
}

/** The single move that fits `slack` bytes with the most damage saved per byte (a move that adds no bytes first). */
function bestFill(moves: readonly Move[], slack: number, minGain: number): Move | null {
  let best: Move | null = null;
  let bestScore = -Infinity;
  for (const m of moves) {
    if (m.savedDamage <= minGain || m.addedBytes > slack) continue;
    const score = m.addedBytes <= 0 ? Infinity : m.savedDamage / m.addedBytes;
    if (score > bestScore || (score === bestScore && best !== null && m.savedDamage > best.savedDamage)) {
      best = m;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The exchange (an upgrade of one unit paid by a downgrade of another) that fits `slack` with the
 * most net damage saved: downgrades sorted by bytes freed, with the least damage added among
 * those freeing at least as much (best and best of another unit), found by binary search.
 */
function bestExchange(moves: readonly Move[], slack: number, minGain: number): [Move, Move] | null {
  const downs = moves.filter((m) => m.addedBytes < 0).sort((a, b) => -a.addedBytes - -b.addedBytes);
  if (downs.length === 0) return null;
  // suffix minima of added damage (-savedDamage): the best, and the best of a unit other than the best's
  const best = new Array<Move>(downs.length);
  const other = new Array<Move | null>(downs.length);
  for (let k = downs.length - 1; k >= 0; k--) {
    const d = downs[k]!;
    const next = k + 1 < downs.length ? best[k + 1]! : null;
    const nextOther = k + 1 < downs.length ? other[k + 1]! : null;
    if (next === null || -d.savedDamage < -next.savedDamage) {
      best[k] = d;
      other[k] = next !== null && next.unit !== d.unit ? next : nextOther;
    } else {
      best[k] = next;
      const runnerUp = d.unit !== next.unit ? d : null;
      other[k] = runnerUp !== null && (nextOther === null || -runnerUp.savedDamage < -nextOther.savedDamage) ? runnerUp : nextOther;
    }
  }
  let found: [Move, Move] | null = null;
  let foundGain = minGain;
  for (const up of moves) {
    if (up.addedBytes <= slack || up.savedDamage <= minGain) continue;
    const need = up.addedBytes - slack;
    let lo = 0;
    let hi = downs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (-downs[mid]!.addedBytes >= need) hi = mid;
      else lo = mid + 1;
    }
    if (lo === downs.length) continue;
    const down = best[lo]!.unit !== up.unit ? best[lo]! : other[lo];
    if (!down) continue;
    const gain = up.savedDamage + down.savedDamage;
    if (gain > foundGain) {
      found = [up, down];
      foundGain = gain;
    }
  }
  return found;
}

/** `start` (within `budgetBytes`) improved by fill and exchange moves until none saves damage. */
export function improveWithin(units: readonly (readonly UnitOption[])[], start: Assignment, budgetBytes: number): Assignment {
  const useful = units.map(undominated);
  const choice = Int32Array.from(start.choice);
  let { bytes, damage } = start;
  const apply = (m: Move): void => {
    choice[m.unit] = m.to;
    bytes += m.addedBytes;
    damage -= m.savedDamage;
  };
  for (let step = 0; step < MAX_IMPROVING_MOVES; step++) {
    const minGain = MIN_RELATIVE_GAIN * Math.max(damage, Number.MIN_VALUE);
    const moves = movesFrom(units, useful, choice);
    const slack = budgetBytes - bytes;
    const fill = bestFill(moves, slack, minGain);
    if (fill) {
      apply(fill);
      continue;
    }
    const exchange = bestExchange(moves, slack, minGain);
    if (!exchange) break;
    apply(exchange[0]);
    apply(exchange[1]);
  }
  // sums again from the options: no drift from the moves' differences
  return assignmentOf(units, choice);
}
