import type { AnalysisReport, QuantResult, Scheme, TensorResult } from '../../shared/analysisTypes';

/** Identity of a configuration across tensors (two results with the same key are the same config). */
export function configKey(r: QuantResult): string {
  if (r.kind === 'format') return `format:${r.format}`;
  return `int:${r.bits}:${r.mode}:${r.granularity}:${r.groupSize ?? ''}:${r.range}:${r.convention}`;
}

/** Which parts of an int config differ within a report: only those are worth printing in a label. */
export interface LabelParts {
  readonly granularity: boolean;
  readonly range: boolean;
  readonly convention: boolean;
}

export function varyingParts(report: AnalysisReport): LabelParts {
  const ints = report.tensors.flatMap((t) => t.results).filter((r) => r.kind === 'int');
  const distinct = (f: (r: (typeof ints)[number]) => unknown): boolean => new Set(ints.map(f)).size > 1;
  return {
    granularity: distinct((r) => `${r.granularity}${r.groupSize ?? ''}`),
    range: distinct((r) => r.range),
    convention: distinct((r) => r.convention),
  };
}

const MODE_SHORT = { symmetric: 'sym', asymmetric: 'asym' } as const;

/** `int8 sym`, plus granularity, range or convention when they differ in the report; `q4_k` for formats. */
export function configLabel(r: QuantResult | Scheme, parts: LabelParts): string {
  if (r.kind === 'format') return r.format;
  const words = [`int${r.bits}`, MODE_SHORT[r.mode]];
  if (parts.granularity) words.push(r.granularity === 'group' ? `group${r.groupSize ?? ''}` : r.granularity);
  if (parts.range) words.push(r.range);
  if (parts.convention) words.push(r.convention);
  return words.join(' ');
}

/** One configuration summed over the whole model. */
export interface ConfigTotal {
  readonly key: string;
  readonly example: QuantResult;
  /** Finite elements the figures cover. */
  readonly elements: number;
  readonly mse: number;
  /** null when every tensor is reconstructed exactly. */
  readonly sqnrDb: number | null;
  readonly meanRelErrPct: number;
  readonly maxAbsErr: number;
}

/**
 * Whole-model figures per configuration, in the order configs first appear: MSE and relative
 * error weighted by element count, SQNR from summed signal and error energies, max of max errors.
 */
export function modelTotals(tensors: readonly TensorResult[]): ConfigTotal[] {
  const sums = new Map<string, { example: QuantResult; n: number; err: number; signal: number; rel: number; max: number }>();
  for (const t of tensors) {
    const n = t.numel - t.stats.nonFinite;
    const signal = n > 0 ? n * (t.stats.std * t.stats.std + t.stats.mean * t.stats.mean) : 0;
    for (const r of t.results) {
      const key = configKey(r);
      const s = sums.get(key) ?? { example: r, n: 0, err: 0, signal: 0, rel: 0, max: 0 };
      s.n += n;
      s.err += r.mse * n;
      s.signal += signal;
      s.rel += r.meanRelErrPct * n;
      s.max = Math.max(s.max, r.maxAbsErr);
      sums.set(key, s);
    }
  }
  return [...sums].map(([key, s]) => ({
    key,
    example: s.example,
    elements: s.n,
    mse: s.n > 0 ? s.err / s.n : 0,
    sqnrDb: s.err > 0 ? 10 * Math.log10(s.signal / s.err) : null,
    meanRelErrPct: s.n > 0 ? s.rel / s.n : 0,
    maxAbsErr: s.max,
  }));
}
