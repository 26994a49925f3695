import { PAIR_COLUMNS, type PairColumn } from '../src/shared/comparePanelProtocol';
import type { ComparedPairView } from '../src/shared/compareTypes';
import { COLUMN_TITLES, movedIndex, pairCells, pairKey, type PairSort } from './compareRows';
import { el } from './dom';

/** Rows PageUp / PageDown move by. */
const PAGE_ROWS = 10;
/** Numeric columns are right-aligned. */
const NUMERIC: ReadonlySet<PairColumn> = new Set(['sqnr', 'cosine', 'maxErr', 'relFrob']);

export interface PairTableEvents {
  sort(column: PairColumn): void;
  /** A row got the selection (arrows, click). */
  select(key: string): void;
  /** Enter or a click: show the pair's histograms. */
  open(key: string): void;
}

/**
 * The pair table: a header of sort buttons, one row per pair, one row focusable at a time (the
 * selected one); arrows, PageUp/PageDown, Home and End move it, Enter opens its drill-down.
 */
export class PairTable {
  readonly root = el('div', { class: 'cmp-table-box' });
  private rows: HTMLTableRowElement[] = [];
  private keys: string[] = [];

  constructor(private readonly events: PairTableEvents) {}

  /** Redraws every row (the pairs, the sort or the filter changed). */
  draw(pairs: readonly ComparedPairView[], sort: PairSort, selected: string | null): void {
    const head = el('tr', {}, PAIR_COLUMNS.map((c) => {
      const [label, tooltip] = COLUMN_TITLES[c];
      const sorted = sort.column === c;
      return el('th', {
        class: NUMERIC.has(c) ? 'num' : '',
        attrs: { scope: 'col', 'aria-sort': sorted ? (sort.descending ? 'descending' : 'ascending') : 'none' },
      }, [el('button', {
        class: 'cmp-sort', text: `${label}${sorted ? (sort.descending ? ' ▼' : ' ▲') : ''}`,
        attrs: { type: 'button', title: `${tooltip}. Click to sort.`, 'data-column': c },
        on: { click: () => this.events.sort(c) },
      })]);
    }));
    this.keys = pairs.map(pairKey);
    this.rows = pairs.map((p, i) => {
      const cells = pairCells(p);
      return el('tr', {
        attrs: { 'data-key': this.keys[i], 'aria-selected': 'false', tabindex: -1 },
        on: { click: () => this.activate(i), keydown: (e) => this.onKey(e, i) },
      }, PAIR_COLUMNS.map((c) => el('td', { class: NUMERIC.has(c) ? 'num' : '', text: cells[c], attrs: { title: cells[c] } })));
    });
    const table = el('table', { class: 'cmp-table', attrs: { id: 'pair-table', 'aria-label': 'Paired tensors', 'aria-rowcount': pairs.length + 1 } }, [
      el('thead', {}, [head]),
      el('tbody', {}, this.rows),
    ]);
    this.root.replaceChildren(table);
    this.mark(selected);
  }

  /** Shows `selected` as the selected row (the one Tab reaches); the first row when none is. */
  mark(selected: string | null): void {
    const index = selected === null ? -1 : this.keys.indexOf(selected);
    this.rows.forEach((r, i) => {
      r.setAttribute('aria-selected', String(i === index));
      r.tabIndex = i === (index >= 0 ? index : 0) ? 0 : -1;
    });
  }

  /** Focuses the row of `key` and scrolls it into view. */
  focus(key: string): void {
    const row = this.rows[this.keys.indexOf(key)];
    row?.focus();
    row?.scrollIntoView({ block: 'nearest' });
  }

  private activate(i: number): void {
    const key = this.keys[i];
    if (key === undefined) return;
    this.events.select(key);
    this.events.open(key);
  }

  private onKey(e: KeyboardEvent, i: number): void {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.activate(i);
      return;
    }
    const next = movedIndex(e.key, i, this.rows.length, PAGE_ROWS);
    if (next === null) return;
    e.preventDefault();
    const key = this.keys[next];
    if (key === undefined) return;
    this.events.select(key);
    this.focus(key);
  }
}
