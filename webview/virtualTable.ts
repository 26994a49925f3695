import { gridColumns, type ColumnWidth } from './columnWidths';
import { el } from './dom';
import type { SortState } from './store';

/** Row height in px; must match `.vt-row` in inspector.css. */
export const ROW_HEIGHT = 24;
/** Rows rendered beyond the visible ones, so fast scrolling shows no gaps. */
const OVERSCAN_ROWS = 10;
const PAGE_ROWS = 20;

export interface Column<R> {
  readonly key: string;
  readonly title: string;
  readonly tooltip: string;
  readonly numeric?: boolean;
  readonly sortable?: boolean;
  /** What the body cells need; the header's and footer's texts widen it further. */
  readonly width: ColumnWidth;
  cell(row: R): string | Node;
  cellClass?(row: R): string;
}

export interface VirtualTableOptions<R> {
  readonly id: string;
  readonly label: string;
  readonly columns: readonly Column<R>[];
  rowKey(row: R): string;
  /** Rows that are headings (e.g. a block prefix): rendered across all columns, not selectable. */
  heading?(row: R): string | null;
  onSort(sort: SortState): void;
  onOpen(row: R): void;
}

/**
 * A grid that renders only the rows in view (thousands of tensors stay cheap), with sortable
 * headers, a keyboard cursor (arrows, Page Up/Down, Home/End) and Enter to open a row.
 */
export class VirtualTable<R> {
  readonly root: HTMLElement;
  private readonly viewport: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly headerRow: HTMLDivElement;
  private readonly footer: HTMLDivElement;
  private rows: readonly R[] = [];
  private cursor = -1;
  private sort: SortState = { key: '', dir: 1 };
  private rendered = new Map<number, HTMLElement>();
  private columnsTemplate = '';

  constructor(private readonly opts: VirtualTableOptions<R>) {
    this.headerRow = el('div', { class: 'vt-row vt-header', attrs: { role: 'row' } });
    this.spacer = el('div', { class: 'vt-spacer', attrs: { role: 'presentation' } });
    // The footer scrolls sideways with the rows, so it lives in the viewport (sticky at the bottom).
    this.footer = el('div', { class: 'vt-row vt-footer', attrs: { role: 'row' } });
    this.viewport = el('div', {
      class: 'vt-viewport',
      attrs: { id: opts.id, role: 'grid', tabindex: 0, 'aria-label': opts.label, 'aria-colcount': opts.columns.length },
      on: { scroll: () => this.renderRows(), keydown: (e) => this.onKey(e) },
    }, [this.headerRow, this.spacer, this.footer]);
    this.root = el('div', { class: 'vt' }, [this.viewport]);
    this.renderHeader();
    this.setColumns([]);
    // Also fires when the table is first laid out (a hidden tab shown): the texts can be measured then.
    new ResizeObserver(() => {
      this.fitColumns();
      this.renderRows();
    }).observe(this.viewport);
  }

  setRows(rows: readonly R[], sort: SortState): void {
    this.rows = rows;
    this.sort = sort;
    if (this.cursor >= rows.length) this.cursor = rows.length - 1;
    this.spacer.style.height = `${rows.length * ROW_HEIGHT}px`;
    this.viewport.setAttribute('aria-rowcount', String(rows.length + 1));
    this.renderHeader();
    this.fitColumns();
    this.rendered.forEach((node) => node.remove());
    this.rendered.clear();
    this.renderRows();
  }

  /** Totals under the columns (none: no footer row). */
  setFooter(cells: readonly string[]): void {
    this.footer.replaceChildren(...(cells.length === 0 ? [] : this.opts.columns.map((c, i) =>
      el('div', { class: `vt-cell${c.numeric ? ' num' : ''} col-${c.key}`, attrs: { role: 'gridcell' } }, [el('span', { text: cells[i] ?? '' })]))));
    this.fitColumns();
  }

  rowCount(): number {
    return this.rows.length;
  }

  /**
   * Widens the columns whose header or footer text is wider than their cells, so neither is cut:
   * measured in the document (the fonts the theme sets), hence only once the table is laid out.
   */
  private fitColumns(): void {
    if (this.viewport.clientWidth === 0) return;
    const headers = [...this.headerRow.children];
    const footers = [...this.footer.children];
    const needed = this.opts.columns.map((_, i) => {
      const header = headers[i];
      if (!(header instanceof HTMLElement)) return 0;
      const style = getComputedStyle(header);
      const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
      const text = (cell: Element | undefined): number => cell?.firstElementChild?.getBoundingClientRect().width ?? 0;
      return padding + Math.max(text(header), text(footers[i]));
    });
    this.setColumns(needed);
  }

  private setColumns(needed: readonly number[]): void {
    const { template, minWidth } = gridColumns(this.opts.columns.map((c) => c.width), needed);
    if (template === this.columnsTemplate) return;
    this.columnsTemplate = template;
    // Through the CSSOM: the webview's CSP forbids style attributes.
    this.root.style.setProperty('--vt-columns', template);
    this.root.style.setProperty('--vt-min-width', `${minWidth}px`);
  }

  private renderHeader(): void {
    this.headerRow.replaceChildren(...this.opts.columns.map((c) => {
      const active = this.sort.key === c.key;
      const arrow = active ? (this.sort.dir === 1 ? ' ▲' : ' ▼') : '';
      const label = c.sortable === false
        ? el('span', { text: c.title })
        : el('button', {
            class: 'vt-sort', text: `${c.title}${arrow}`,
            attrs: { type: 'button', 'data-sort-key': c.key, title: `${c.tooltip} (click to sort)` },
            on: { click: () => this.opts.onSort({ key: c.key, dir: active ? (this.sort.dir === 1 ? -1 : 1) : 1 }) },
          });
      return el('div', {
        class: `vt-cell${c.numeric ? ' num' : ''} col-${c.key}`,
        attrs: { role: 'columnheader', title: c.tooltip, 'aria-sort': active ? (this.sort.dir === 1 ? 'ascending' : 'descending') : 'none' },
      }, [label]);
    }));
  }

  private renderRows(): void {
    const top = Math.max(0, this.viewport.scrollTop - ROW_HEIGHT);
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN_ROWS);
    const visible = Math.ceil(this.viewport.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN_ROWS;
    const last = Math.min(this.rows.length, first + visible);
    for (const [i, node] of this.rendered) {
      if (i < first || i >= last) {
        node.remove();
        this.rendered.delete(i);
      }
    }
    for (let i = first; i < last; i++) {
      if (this.rendered.has(i)) continue;
      const row = this.rows[i];
      if (row === undefined) continue;
      const node = this.renderRow(row, i);
      this.spacer.append(node);
      this.rendered.set(i, node);
    }
  }

  private renderRow(row: R, index: number): HTMLElement {
    const heading = this.opts.heading?.(row) ?? null;
    const node = heading !== null
      ? el('div', { class: 'vt-row vt-group', attrs: { role: 'row' } }, [el('div', { class: 'vt-cell', text: heading, attrs: { role: 'gridcell' } })])
      : el('div', {
          class: `vt-row${index === this.cursor ? ' cursor' : ''}`,
          attrs: { role: 'row', id: `${this.opts.id}-row-${index}`, 'aria-rowindex': index + 2, 'data-key': this.opts.rowKey(row) },
          on: {
            click: () => this.moveCursor(index),
            dblclick: () => this.opts.onOpen(row),
          },
        }, this.opts.columns.map((c) => el('div', {
          class: `vt-cell${c.numeric ? ' num' : ''} col-${c.key} ${c.cellClass?.(row) ?? ''}`,
          attrs: { role: 'gridcell' },
        }, [c.cell(row)])));
    node.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
    return node;
  }

  private moveCursor(index: number): void {
    const next = Math.max(0, Math.min(this.rows.length - 1, index));
    this.rendered.get(this.cursor)?.classList.remove('cursor');
    this.cursor = next;
    this.rendered.get(next)?.classList.add('cursor');
    this.viewport.setAttribute('aria-activedescendant', `${this.opts.id}-row-${next}`);
    // Scroll so the row shows between the sticky header and footer.
    const rowTop = next * ROW_HEIGHT;
    const rowBottom = this.headerRow.offsetHeight + rowTop + ROW_HEIGHT;
    const visibleBottom = this.viewport.scrollTop + this.viewport.clientHeight - this.footer.offsetHeight;
    if (rowTop < this.viewport.scrollTop) this.viewport.scrollTop = rowTop;
    else if (rowBottom > visibleBottom) this.viewport.scrollTop += rowBottom - visibleBottom;
    this.renderRows();
  }

  private onKey(e: KeyboardEvent): void {
    const moves: Record<string, number> = {
      ArrowDown: this.cursor + 1, ArrowUp: this.cursor - 1,
      PageDown: this.cursor + PAGE_ROWS, PageUp: this.cursor - PAGE_ROWS,
      Home: 0, End: this.rows.length - 1,
    };
    const target = moves[e.key];
    if (target !== undefined) {
      e.preventDefault();
      this.moveCursor(target);
      return;
    }
    if (e.key === 'Enter') {
      const row = this.rows[this.cursor];
      if (row !== undefined && !(this.opts.heading?.(row))) {
        e.preventDefault();
        this.opts.onOpen(row);
      }
    }
  }
}
