/** Small solver problems for the front and improve tests: seeded random units and their brute-force optimum. */
import type { UnitOption } from '../../../../src/core/plan/solver/front';

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Units shaped like tensors under ggml types: more bytes, less damage, with some noise and dominated options. */
export function randomUnits(rand: () => number, units: number, options: number): UnitOption[][] {
  return Array.from({ length: units }, () => {
    const size = 1 + Math.floor(rand() * 50);
    return Array.from({ length: options }, (_, k) => ({
      bytes: size * (4 + k + Math.floor(rand() * 2)),
      damage: rand() * Math.pow(0.3, k) * (0.5 + rand()),
    }));
  });
}

/** The least damage of any plan of `units` within `budget` bytes (`fixedBytes` spent already), by enumerating every combination. */
export function bruteForce(units: readonly (readonly UnitOption[])[], budget: number, fixedBytes = 0): number {
  let best = Infinity;
  const walk = (u: number, bytes: number, damage: number): void => {
    if (bytes > budget) return;
    if (u === units.length) {
      best = Math.min(best, damage);
      return;
    }
    for (const o of units[u]!) walk(u + 1, bytes + o.bytes, damage + o.damage);
  };
  walk(0, fixedBytes, 0);
  return best;
}
