/**
 * The Plan tab's table rows, without the DOM: tensors grouped by layer and sorted, each with its
 * share of the predicted damage; in diff mode only the tensors whose type differs from the
 * reference preset's, with the size and damage each difference buys.
 */
import type { PlanRow, PlanShown } from '../src/shared/planPanelProtocol';
import type { SortState } from './store';

/** A tensor of the plan, with what the reference preset does with it. */
export interface PlanTableRow {
  readonly kind: 'tensor';
  /** Position in the model's order. */
  readonly order: number;
  readonly row: PlanRow;
  /** Share of the plan's predicted damage, 0..1; null when errors are not computed. */
  readonly share: number | null;
  /** The reference preset's choice for this tensor (null: the reference has no such tensor). */
  readonly reference: PlanRow | null;
  /** Bytes the plan spends on this tensor beyond the reference's. */
  readonly bytesDelta: number;
  /** Predicted damage the plan adds (negative: removes) beyond the reference's; null when unknown. */
  readonly damageDelta: number | null;
}

/** A layer's heading row (shown when the table is in the model's order). */
export interface PlanHeadingRow {
  readonly kind: 'heading';
  readonly text: string;
}

export type PlanTableEntry = PlanTableRow | PlanHeadingRow;

/** `layer 3`, or `outside the layers` for embeddings, output and other tensors without a block number. */
export function layerLabel(layer: number | null): string {
  return layer === null ? 'outside the layers' : `layer ${layer}`;
}

/** Each tensor of `plan` against `reference`, in the model's order. */
export function compareRows(plan: PlanShown, reference: PlanShown | null): PlanTableRow[] {
  const byName = new Map((reference?.rows ?? []).map((r) => [r.name, r]));
  return plan.rows.map((row, order) => {
    const ref = byName.get(row.name) ?? null;
    const damageDelta = row.damage !== null && ref?.damage !== null && ref?.damage !== undefined ? row.damage - ref.damage : null;
    return {
      kind: 'tensor', order, row, reference: ref,
      share: row.damage !== null && plan.damage !== null && plan.damage > 0 ? row.damage / plan.damage : null,
      bytesDelta: row.bytes - (ref?.bytes ?? 0),
      damageDelta,
    };
  });
}

/** The tensor differs from the reference preset's choice. */
export function differs(r: PlanTableRow): boolean {
  return r.reference === null || r.reference.type !== r.row.type;
}

const SORT_VALUE: Readonly<Record<string, (r: PlanTableRow) => number | string>> = {
  order: (r) => r.order,
  name: (r) => r.row.name,
  role: (r) => r.row.role,
  type: (r) => r.row.type,
  reftype: (r) => r.reference?.type ?? '',
  bytes: (r) => r.row.bytes,
  dbytes: (r) => r.bytesDelta,
  reason: (r) => r.row.reason,
  relerr: (r) => r.row.relErr ?? -1,
  share: (r) => r.share ?? -1,
  ddamage: (r) => r.damageDelta ?? 0,
};

export const PLAN_SORT_KEYS: readonly string[] = Object.keys(SORT_VALUE);

/**
 * The table's entries: in the model's order, a heading before each layer's tensors; sorted by
 * another column, a flat list. `diffOnly` keeps the tensors that differ from the reference.
 */
export function tableEntries(rows: readonly PlanTableRow[], sort: SortState, diffOnly: boolean): PlanTableEntry[] {
  const shown = diffOnly ? rows.filter(differs) : [...rows];
  const value = SORT_VALUE[sort.key] ?? SORT_VALUE['order']!;
  shown.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb), undefined, { numeric: true });
    return sort.dir * c || a.order - b.order;
  });
  if (sort.key !== 'order') return shown;
  const entries: PlanTableEntry[] = [];
  let layer: number | null | undefined;
  for (const r of shown) {
    if (r.row.layer !== layer) {
      layer = r.row.layer;
      entries.push({ kind: 'heading', text: layerLabel(layer) });
    }
    entries.push(r);
  }
  return entries;
}

/** `+0.3 %` of a whole; `±0 %` when it rounds to nothing. */
export function signedPct(part: number, whole: number): string {
  if (whole <= 0) return '–';
  const pct = (100 * part) / whole;
  const digits = Math.abs(pct) < 10 ? 1 : 0;
  const text = Math.abs(pct).toFixed(digits);
  if (Number(text) === 0) return '±0 %';
  return `${pct > 0 ? '+' : '−'}${text} %`;
}

/**
 * What one difference buys, in words: "Q4_K_M puts blk.3.ffn_down.weight at Q4_K; this plan keeps
 * it at Q6_K for +0.3 % size, −40 % predicted damage". Size is a share of the reference's total
 * bytes; damage the change of this tensor's own predicted damage.
 */
export function differenceSentence(r: PlanTableRow, planLabel: string, reference: PlanShown): string {
  const ref = r.reference;
  if (!ref) return `${reference.label} has no tensor ${r.row.name}`;
  const verb = r.row.bytes > ref.bytes ? 'keeps it at' : r.row.bytes < ref.bytes ? 'lowers it to' : 'stores it as';
  const costs = [`${signedPct(r.bytesDelta, reference.totalBytes)} size`];
  if (r.damageDelta !== null && ref.damage !== null && ref.damage > 0) costs.push(`${signedPct(r.damageDelta, ref.damage)} predicted damage`);
  const who = planLabel === '' ? 'this plan' : `this plan (${planLabel})`;
  return `${reference.label} puts ${r.row.name} at ${ref.type}; ${who} ${verb} ${r.row.type} for ${costs.join(', ')}`;
}
