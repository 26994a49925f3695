import type { QuantResult } from '../../../shared/analysisTypes';

/** The sums behind a run of values' figures (CLI.md formulas), over its finite values. */
export interface UnitSums {
  /** Values compared. */
  readonly n: number;
  /** Σx², Σe², Σ|e|/|x|, values clipped. */
  readonly xx: number;
  readonly ee: number;
  readonly rel: number;
  readonly clipped: number;
}

/** The sums of everything a pass has seen, recovered from its figures, given the `finite` values seen and their Σx² (`xx`). */
export function sumsOf(r: QuantResult, finite: number, xx: number): UnitSums {
  const n = finite - (r.nonFiniteOutputs ?? 0);
  return {
    n, xx, ee: r.mse * n, rel: (r.meanRelErrPct / 100) * n,
    clipped: r.kind === 'int' ? (r.clippedPct / 100) * n : 0,
  };
}

/** b - a, field by field: one unit's sums from the running sums after and before it. */
export function minus(b: UnitSums, a: UnitSums): UnitSums {
  return { n: b.n - a.n, xx: b.xx - a.xx, ee: b.ee - a.ee, rel: b.rel - a.rel, clipped: b.clipped - a.clipped };
}

export const NO_SUMS: UnitSums = { n: 0, xx: 0, ee: 0, rel: 0, clipped: 0 };
