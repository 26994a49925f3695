import type { IntResult, QuantResult, TensorResult } from '../src/shared/analysisTypes';
import { layerGroup, type LayerGroup } from '../src/shared/layerGroups';
import { configLabel } from '../src/shared/resultLabels';

/** Every configuration present in the results, in the order the engine produced them. */
export function configKeys(results: readonly TensorResult[]): string[] {
  const keys = new Set<string>();
  for (const t of results) for (const r of t.results) keys.add(configLabel(r));
  return [...keys];
}

/** The configuration the panel shows: the user's pick if it was analysed, else the last one analysed. */
export function shownConfigKey(results: readonly TensorResult[], picked: string | null): string | undefined {
  const keys = configKeys(results);
  return picked && keys.includes(picked) ? picked : keys[keys.length - 1];
}

export function resultFor(t: TensorResult, key: string): QuantResult | undefined {
  return t.results.find((r) => configLabel(r) === key);
}

/** The per-tensor results of `r`'s bits, mode and convention under every range method analysed. */
export function rangeMethodResults(t: TensorResult, r: IntResult): IntResult[] {
  return t.results.filter((x): x is IntResult =>
    x.kind === 'int' && x.granularity === 'tensor' && x.bits === r.bits && x.mode === r.mode && x.convention === r.convention);
}

/** The same integer configuration at other bit widths (for the inline SQNR bars and Compare). */
export function sameSchemeKey(r: QuantResult, bits: number): string {
  return r.kind === 'int' ? configLabel({ ...r, bits }) : configLabel(r);
}

export function intBitsOf(results: readonly TensorResult[]): number[] {
  const bits = new Set<number>();
  for (const t of results) for (const r of t.results) if (r.kind === 'int') bits.add(r.bits);
  return [...bits].sort((a, b) => b - a);
}

/** Sum of squares of the finite values, from the tensor's moments: the SQNR's signal energy. */
export function signalEnergy(t: TensorResult): number {
  const n = t.numel - t.stats.nonFinite;
  return n * (t.stats.std * t.stats.std + t.stats.mean * t.stats.mean);
}

export function noiseEnergy(t: TensorResult, r: QuantResult): number {
  return (t.numel - t.stats.nonFinite) * r.mse;
}

export interface Totals {
  readonly tensors: number;
  readonly params: number;
  /** Parameter-weighted mean squared error. */
  readonly mse: number;
  /** 10 log10(total signal energy / total noise energy); null when exact. */
  readonly sqnrDb: number | null;
  /** Bytes at this configuration's bits per weight (scales not counted for integers). */
  readonly bytes: number;
}

export function bitsPerWeight(r: QuantResult): number {
  return r.kind === 'int' ? r.bits : r.bitsPerWeight;
}

export function totalsFor(tensors: readonly TensorResult[], key: string): Totals {
  let params = 0;
  let weighted = 0;
  let signal = 0;
  let noise = 0;
  let bits = 0;
  let count = 0;
  for (const t of tensors) {
    const r = resultFor(t, key);
    if (!r) continue;
    count++;
    params += t.numel;
    weighted += t.numel * r.mse;
    signal += signalEnergy(t);
    noise += noiseEnergy(t, r);
    bits += t.numel * bitsPerWeight(r);
  }
  return {
    tensors: count,
    params,
    mse: params > 0 ? weighted / params : 0,
    sqnrDb: noise > 0 ? 10 * Math.log10(signal / noise) : null,
    bytes: bits / 8,
  };
}

/** SQNR of a set of tensors taken together, per bit width, for one mode/granularity/range. */
export function sqnrByBits(tensors: readonly TensorResult[], template: IntResult, bitsList: readonly number[]): (number | null)[] {
  return bitsList.map((bits) => totalsFor(tensors, sameSchemeKey(template, bits)).sqnrDb);
}

export function groupTensors(tensors: readonly TensorResult[]): Map<LayerGroup, TensorResult[]> {
  const groups = new Map<LayerGroup, TensorResult[]>();
  for (const t of tensors) {
    const g = layerGroup(t.name);
    const list = groups.get(g) ?? [];
    list.push(t);
    groups.set(g, list);
  }
  return groups;
}

export interface Sensitivity {
  readonly name: string;
  /** SQNR at the higher bit width minus at the lower one; or minus the SQNR when only one width ran. */
  readonly score: number;
  readonly high: number | null;
  readonly low: number | null;
}

/** Layers ranked by SQNR drop from `highBits` to `lowBits` (largest drop first). */
export function rankSensitivity(tensors: readonly TensorResult[], template: IntResult, highBits: number, lowBits: number): Sensitivity[] {
  const out: Sensitivity[] = [];
  for (const t of tensors) {
    const hi = resultFor(t, sameSchemeKey(template, highBits));
    const lo = resultFor(t, sameSchemeKey(template, lowBits));
    if (!lo) continue;
    const high = hi?.sqnrDb ?? null;
    const low = lo.sqnrDb;
    if (low === null) continue;
    const score = highBits !== lowBits && high !== null ? high - low : -low;
    out.push({ name: t.name, score, high, low });
  }
  return out.sort((a, b) => b.score - a.score);
}

/** The `count` tensors with the lowest SQNR under `key`. */
export function worstTensors(tensors: readonly TensorResult[], key: string, count: number): { t: TensorResult; r: QuantResult }[] {
  const scored: { t: TensorResult; r: QuantResult }[] = [];
  for (const t of tensors) {
    const r = resultFor(t, key);
    if (r && r.sqnrDb !== null) scored.push({ t, r });
  }
  return scored.sort((a, b) => (a.r.sqnrDb ?? Infinity) - (b.r.sqnrDb ?? Infinity)).slice(0, count);
}

/** Colour bucket of an SQNR, for the table's scale (CSS classes sqnr-0 .. sqnr-4, sqnr-exact). */
const SQNR_BUCKET_DB = [10, 20, 30, 40];
export function sqnrClass(db: number | null): string {
  if (db === null) return 'sqnr-exact';
  const i = SQNR_BUCKET_DB.findIndex((edge) => db < edge);
  return `sqnr-${i === -1 ? SQNR_BUCKET_DB.length : i}`;
}
