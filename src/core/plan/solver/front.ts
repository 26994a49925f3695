/**
 * The multiple-choice knapsack behind a budget plan, solved by Lagrangian relaxation: each unit
 * (a tensor, or a group of tensors that must choose together) keeps the options on the lower
 * convex hull of its (bytes, damage) points; the hull edges of all units, sorted by damage saved
 * per byte, are the upgrades a greedy solver applies. Every prefix of that order is an integral
 * plan on the convex Pareto front of the whole model, so the front is computed once and every
 * budget after that is a walk over the sorted upgrades (no re-quantizing, no re-sorting).
 */

/** One way to store a unit: its stored bytes and predicted damage. */
export interface UnitOption {
  readonly bytes: number;
  readonly damage: number;
}

/** Upgrading one unit from one hull option to the next: more bytes, less damage. */
export interface Upgrade {
  readonly unit: number;
  readonly to: number;
  readonly addedBytes: number;
  /** Damage removed (positive). */
  readonly savedDamage: number;
}

/** A plan on the convex front: its size and predicted damage. */
export interface FrontPoint {
  readonly bytes: number;
  readonly damage: number;
}

export interface Front {
  /** Per unit, the index of its cheapest option (ties: the least damage). */
  readonly start: Int32Array;
  readonly startBytes: number;
  readonly startDamage: number;
  /** Hull edges of every unit, most damage saved per byte first (a unit's edges stay in order). */
  readonly upgrades: readonly Upgrade[];
  /** The integral plans after 0, 1, 2, ... upgrades: the lower convex hull of all plans. */
  readonly points: readonly FrontPoint[];
}

/** Indices of `options` on their lower convex hull, cheapest first (dominated and non-convex options dropped). */
export function lowerHull(options: readonly UnitOption[]): number[] {
  const order = options.map((_, i) => i).sort((a, b) => options[a]!.bytes - options[b]!.bytes || options[a]!.damage - options[b]!.damage || a - b);
  const hull: number[] = [];
  for (const i of order) {
    const p = options[i]!;
    const last = hull.length > 0 ? options[hull[hull.length - 1]!]! : null;
    // more bytes for no less damage never helps
    if (last && p.damage >= last.damage) continue;
    // pop the last vertex while it lies on or above the segment from its predecessor to p
    while (hull.length >= 2) {
      const a = options[hull[hull.length - 2]!]!;
      const b = options[hull[hull.length - 1]!]!;
      const cross = (b.bytes - a.bytes) * (p.damage - a.damage) - (b.damage - a.damage) * (p.bytes - a.bytes);
      if (cross > 0) break;
      hull.pop();
    }
    hull.push(i);
  }
  return hull;
}

/** The convex front of all plans of `units` (each unit needs at least one option). */
export function buildFront(units: readonly (readonly UnitOption[])[]): Front {
  const start = new Int32Array(units.length);
  const upgrades: Upgrade[] = [];
  let startBytes = 0;
  let startDamage = 0;
  units.forEach((options, unit) => {
    const hull = lowerHull(options);
    const first = hull[0];
    if (first === undefined) throw new RangeError(`unit ${unit} has no option`);
    start[unit] = first;
    startBytes += options[first]!.bytes;
    startDamage += options[first]!.damage;
    for (let k = 1; k < hull.length; k++) {
      const from = options[hull[k - 1]!]!;
      const to = options[hull[k]!]!;
      upgrades.push({ unit, to: hull[k]!, addedBytes: to.bytes - from.bytes, savedDamage: from.damage - to.damage });
    }
  });
  // by savings per byte; convexity keeps one unit's edges in hull order, ties keep insertion order (stable sort)
  upgrades.sort((a, b) => b.savedDamage * a.addedBytes - a.savedDamage * b.addedBytes);
  const points: FrontPoint[] = [{ bytes: startBytes, damage: startDamage }];
  let bytes = startBytes;
  let damage = startDamage;
  for (const u of upgrades) {
    bytes += u.addedBytes;
    damage -= u.savedDamage;
    points.push({ bytes, damage: Math.max(0, damage) });
  }
  return { start, startBytes, startDamage, upgrades, points };
}
