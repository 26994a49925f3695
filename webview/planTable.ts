import type { PlanShown } from '../src/shared/planPanelProtocol';
import { el } from './dom';
import { formatBytes, formatNumber, formatPct } from './format';
import { differenceSentence, signedPct, type PlanTableEntry, type PlanTableRow } from './planRows';
import type { Column } from './virtualTable';

/** What a cell reads of an entry; headings span the row and never reach the cells. */
const tensor = (e: PlanTableEntry): PlanTableRow | null => (e.kind === 'tensor' ? e : null);
const cellOf = (f: (r: PlanTableRow) => string) => (e: PlanTableEntry): string => {
  const r = tensor(e);
  return r ? f(r) : '';
};

const NAME: Column<PlanTableEntry> = { key: 'name', title: 'Tensor', tooltip: 'Name as the target tool sees it', width: { min: 180, share: 2 }, cell: cellOf((r) => r.row.name) };
const ROLE: Column<PlanTableEntry> = { key: 'role', title: 'Role', tooltip: 'What the tensor does (its damage weight alpha depends on it)', width: 108, cell: cellOf((r) => r.row.role) };
const TYPE: Column<PlanTableEntry> = { key: 'type', title: 'Type', tooltip: 'The storage type the plan chooses', width: 64, cell: cellOf((r) => r.row.type) };
const BYTES: Column<PlanTableEntry> = { key: 'bytes', title: 'Bytes', tooltip: 'Stored size under the chosen type, scales included', numeric: true, width: 80, cell: cellOf((r) => formatBytes(r.row.bytes)) };
const REL_ERR: Column<PlanTableEntry> = {
  key: 'relerr', title: 'Rel err', tooltip: '||W − Q(W)|| / ||W|| under the chosen type (imatrix-weighted when one is used)', numeric: true, width: 68,
  cell: cellOf((r) => (r.row.relErr === null ? '–' : formatNumber(r.row.relErr))),
};
const SHARE: Column<PlanTableEntry> = {
  key: 'share', title: 'Damage', tooltip: "This tensor's share of the plan's predicted damage (alpha · relErr², summed over tensors)", numeric: true, width: 68,
  cell: cellOf((r) => (r.share === null ? '–' : formatPct(100 * r.share))),
};

/** The plan's own view: what each tensor gets and why. */
export function planColumns(): Column<PlanTableEntry>[] {
  return [
    NAME, ROLE, TYPE, BYTES,
    {
      key: 'reason', title: 'Why', tooltip: 'The rule, fallback or exclusion that chose the type, or what the solver gained', width: { min: 200, share: 3 },
      cell: (e) => (e.kind === 'tensor' ? el('span', { text: e.row.reason, attrs: { title: e.row.reason } }) : ''),
    },
    REL_ERR, SHARE,
  ];
}

/** Diff mode: the reference preset's type beside the plan's, and what each difference buys. */
export function diffColumns(plan: PlanShown, reference: PlanShown): Column<PlanTableEntry>[] {
  return [
    NAME, ROLE,
    { key: 'reftype', title: reference.label, tooltip: `The type ${reference.label} gives the tensor`, width: 64, cell: cellOf((r) => r.reference?.type ?? '–') },
    { ...TYPE, title: 'Plan', tooltip: 'The type this plan gives the tensor' },
    { key: 'dbytes', title: 'Δ size', tooltip: `Bytes beyond ${reference.label}'s, as a share of its total size`, numeric: true, width: 72, cell: cellOf((r) => signedPct(r.bytesDelta, reference.totalBytes)) },
    {
      key: 'ddamage', title: 'Δ damage', tooltip: "Change of this tensor's predicted damage against the preset's", numeric: true, width: 80,
      cell: cellOf((r) => (r.damageDelta === null || !r.reference?.damage ? '–' : signedPct(r.damageDelta, r.reference.damage))),
    },
    {
      key: 'reason', title: 'What it buys', tooltip: 'The difference in words', sortable: false, width: { min: 260, share: 3 },
      // The sentence is long: the cell shows what fits, the tooltip all of it.
      cell: (e) => {
        const text = e.kind === 'tensor' ? differenceSentence(e, plan.label, reference) : '';
        return el('span', { text, attrs: { title: text } });
      },
    },
  ];
}
