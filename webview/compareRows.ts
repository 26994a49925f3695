import type { PairColumn } from '../src/shared/comparePanelProtocol';
import type { ComparedPairView, CompareFindingView } from '../src/shared/compareTypes';
import { formatNumber } from './format';

export interface PairSort {
  readonly column: PairColumn;
  readonly descending: boolean;
}

/** Worst SQNR first: the tensors that went wrong are the reason to open the panel. */
export const DEFAULT_SORT: PairSort = { column: 'sqnr', descending: false };

/** Column headers and what each cell says about its measure. */
export const COLUMN_TITLES: { readonly [C in PairColumn]: readonly [label: string, tooltip: string] } = {
  reference: ['reference', 'Tensor name in the reference (original) file'],
  candidate: ['candidate', 'Tensor name in the candidate file'],
  type: ['type', 'Storage type of the candidate tensor (or the quantized storage it was decoded from)'],
  transform: ['transform', 'How the candidate\'s layout was lined up with the reference (rope-permute: the converter\'s Q/K row order)'],
  sqnr: ['SQNR', 'Signal-to-quantization-noise ratio, 10·log10(Σx² / Σ(x−y)²), in dB; "exact" when equal'],
  cosine: ['cosine', 'Cosine similarity of the reference and candidate values'],
  maxErr: ['max error', 'Largest |x − y| over the tensor'],
  relFrob: ['rel. Frob.', 'Relative Frobenius error ‖x − y‖ / ‖x‖'],
};

/** The candidate's type as stored: the quantized storage it was decoded from (gptq, awq, ...), else its dtype. */
export function candidateType(p: ComparedPairView): string {
  return p.candidateStorage ?? p.candidateDtype;
}

/** A pair's identity in the table: its two tensor names (a fused tensor pairs with several parts). */
export function pairKey(p: { readonly reference: string; readonly candidate: string }): string {
  return JSON.stringify([p.reference, p.candidate]);
}

/** The value a column sorts by: exact (SQNR null) above every dB value, a missing rel. error above every number. */
function sortValue(p: ComparedPairView, column: PairColumn): string | number {
  switch (column) {
    case 'reference': return p.reference;
    case 'candidate': return p.candidate;
    case 'type': return candidateType(p);
    case 'transform': return p.transform;
    case 'sqnr': return p.sqnrDb ?? Infinity;
    case 'cosine': return p.cosine;
    case 'maxErr': return p.maxAbsErr;
    case 'relFrob': return p.relFrobenius ?? Infinity;
  }
}

/** Natural order for names ("blk.2" before "blk.10"), numeric order for figures; ties keep file order. */
const NAME_ORDER = new Intl.Collator('en', { numeric: true });

export function sortPairs(pairs: readonly ComparedPairView[], sort: PairSort): ComparedPairView[] {
  const sign = sort.descending ? -1 : 1;
  return pairs
    .map((p, i) => ({ p, i, v: sortValue(p, sort.column) }))
    .sort((a, b) => {
      const d = typeof a.v === 'string' || typeof b.v === 'string' ? NAME_ORDER.compare(String(a.v), String(b.v)) : a.v === b.v ? 0 : a.v < b.v ? -1 : 1;
      return d !== 0 ? sign * d : a.i - b.i;
    })
    .map((x) => x.p);
}

/** The pairs whose names, type or transform contain every word of `filter` (case-insensitive). */
export function filterPairs(pairs: readonly ComparedPairView[], filter: string): ComparedPairView[] {
  const words = filter.toLowerCase().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return [...pairs];
  return pairs.filter((p) => {
    const text = `${p.reference} ${p.candidate} ${candidateType(p)} ${p.transform}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** The next sort when a column header is clicked: the same column flips, another starts ascending. */
export function nextSort(current: PairSort, column: PairColumn): PairSort {
  return current.column === column ? { column, descending: !current.descending } : { column, descending: false };
}

/** The table's cells of a pair, in PAIR_COLUMNS order. */
export function pairCells(p: ComparedPairView): { readonly [C in PairColumn]: string } {
  return {
    reference: p.reference,
    candidate: p.candidate,
    type: candidateType(p),
    transform: p.transform,
    sqnr: p.sqnrDb === null ? 'exact' : `${p.sqnrDb.toFixed(2)} dB`,
    cosine: p.cosine.toFixed(6),
    maxErr: formatNumber(p.maxAbsErr),
    relFrob: p.relFrobenius === null ? '–' : formatNumber(p.relFrobenius),
  };
}

/** The pair a finding is about (its candidate tensor), if it was measured. */
export function findingPair(finding: CompareFindingView, pairs: readonly ComparedPairView[]): ComparedPairView | undefined {
  return finding.tensor === null ? undefined : pairs.find((p) => p.candidate === finding.tensor);
}

/** Moves a row index by a key of the table (arrows, page, home, end); null for other keys. */
export function movedIndex(key: string, index: number, rows: number, page: number): number | null {
  if (rows === 0) return null;
  const clamp = (i: number): number => Math.max(0, Math.min(rows - 1, i));
  switch (key) {
    case 'ArrowDown': return clamp(index + 1);
    case 'ArrowUp': return clamp(index - 1);
    case 'PageDown': return clamp(index + page);
    case 'PageUp': return clamp(index - page);
    case 'Home': return 0;
    case 'End': return rows - 1;
    default: return null;
  }
}
