/**
 * The Layers table's rows: one per tensor for the configuration shown, with its exact result when it
 * has arrived and otherwise its first estimate (progressive), which the view marks as such.
 */
import type { QuantResult, TensorResult } from '../src/shared/analysisTypes';
import { ESTIMATE_CONFIDENCE, type Estimated, type QuantEstimate, type TensorEstimate } from '../src/shared/estimateTypes';
import { tensorRole, type TensorRole } from '../src/shared/layerGroups';
import { configLabel } from '../src/shared/resultLabels';
import { configKeys, resultFor, sameSchemeKey } from './results';

export interface LayerRow {
  readonly order: number;
  readonly name: string;
  readonly shape: readonly number[];
  readonly numel: number;
  /** The exact result, once it has arrived. */
  readonly t: TensorResult | undefined;
  readonly r: QuantResult | undefined;
  /** The first estimate, shown while there is no exact result. */
  readonly e: QuantEstimate | undefined;
  /** SQNR at each bit width of the same scheme (for the inline bars; exact results only). */
  readonly bars: readonly { bits: number; db: number | null }[];
}

export interface RowFilter {
  readonly regex: RegExp | null;
  readonly role: TensorRole | 'all';
}

/** Configurations of the exact results, then those only estimated so far. */
export function layerConfigKeys(results: readonly TensorResult[], estimates: ReadonlyMap<string, TensorEstimate>): string[] {
  const keys = new Set(configKeys(results));
  for (const e of estimates.values()) for (const q of e.results) keys.add(configLabel(q.scheme));
  return [...keys];
}

/** Exact rows in arrival order, then the tensors that have only an estimate, in the model's order. */
export function layerRows(
  results: readonly TensorResult[], estimates: ReadonlyMap<string, TensorEstimate>, key: string | undefined, bits: readonly number[], filter: RowFilter,
): LayerRow[] {
  const keep = (name: string, shape: readonly number[]): boolean =>
    (!filter.regex || filter.regex.test(name)) && (filter.role === 'all' || tensorRole(name, shape) === filter.role);
  const rows: LayerRow[] = [];
  const exact = new Set<string>();
  results.forEach((t, order) => {
    exact.add(t.name);
    if (!keep(t.name, t.shape)) return;
    const r = key ? resultFor(t, key) : undefined;
    const bars = r?.kind === 'int' ? bits.map((b) => ({ bits: b, db: resultFor(t, sameSchemeKey(r, b))?.sqnrDb ?? null })) : [];
    rows.push({ order, name: t.name, shape: t.shape, numel: t.numel, t, r, e: undefined, bars });
  });
  let order = results.length;
  for (const est of estimates.values()) {
    if (exact.has(est.name)) continue;
    const at = order++;
    if (!keep(est.name, est.shape)) continue;
    const e = key ? est.results.find((q) => configLabel(q.scheme) === key) : undefined;
    rows.push({ order: at, name: est.name, shape: est.shape, numel: est.numel, t: undefined, r: undefined, e, bars: [] });
  }
  return rows;
}

/** An estimated cell: `≈ value` with the interval in its tooltip; a figure read from the whole tensor has none. */
export function estimateCell(e: Estimated, format: (x: number) => string, rangeFromSample: boolean): { text: string; title: string } {
  const interval = e.halfWidth === 0 ? 'exact: the whole tensor was read' : `± ${format(e.halfWidth)} (${Math.round(ESTIMATE_CONFIDENCE * 100)} % interval)`;
  const range = rangeFromSample ? '\nscale from the sample\'s range: the interval leaves out its error; the figure leans low' : '';
  return { text: `≈ ${format(e.value)}`, title: `First estimate from a sample: ${format(e.value)} ${interval}${range}\nThe exact value replaces it when this tensor's full pass ends.` };
}

/** The sample's largest error: a lower bound of the tensor's. */
export function maxErrorCell(e: QuantEstimate, format: (x: number) => string): { text: string; title: string } {
  return { text: `≥ ${format(e.maxAbsErrLowerBound)}`, title: 'Largest error in the sample: the tensor\'s is at least this.\nThe exact value replaces it when this tensor\'s full pass ends.' };
}
