import type { TensorSummary } from '../src/shared/analysisTypes';
import { blockPrefix } from '../src/shared/layerGroups';
import { el } from './dom';
import { formatBytes, formatCount, formatShape } from './format';
import type { SortState, Store } from './store';
import { VirtualTable, type Column } from './virtualTable';

type ListRow = { readonly heading: string } | { readonly tensor: TensorSummary };

const COLUMNS: readonly Column<ListRow>[] = [
  { key: 'name', title: 'Tensor', tooltip: 'Name as stored in the file', width: { min: 240, share: 3 }, cell: (r) => ('tensor' in r ? r.tensor.name : '') },
  { key: 'dtype', title: 'dtype', tooltip: 'Storage type the file declares', width: 80, cell: (r) => ('tensor' in r ? r.tensor.dtype : '') },
  { key: 'shape', title: 'Shape', tooltip: 'Row-major, outermost first', width: 140, cell: (r) => ('tensor' in r ? formatShape(r.tensor.shape) : '') },
  { key: 'numel', title: 'Params', tooltip: 'Number of elements', numeric: true, width: 80, cell: (r) => ('tensor' in r ? formatCount(r.tensor.numel) : '') },
  { key: 'bytes', title: 'Size', tooltip: 'Bytes in the file', numeric: true, width: 90, cell: (r) => ('tensor' in r ? formatBytes(r.tensor.byteLength) : '') },
];

const SORT_VALUE: Record<string, (t: TensorSummary) => string | number> = {
  name: (t) => t.name, dtype: (t) => t.dtype, shape: (t) => t.shape.length, numel: (t) => t.numel, bytes: (t) => t.byteLength,
};

function compare(a: string | number, b: string | number): number {
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** Rows grouped by block prefix (`model.layers.12`), sorted within each group. */
export function groupedRows(tensors: readonly TensorSummary[], filter: string, sort: SortState): ListRow[] {
  const needle = filter.toLowerCase();
  const value = SORT_VALUE[sort.key] ?? SORT_VALUE['name'];
  const groups = new Map<string, TensorSummary[]>();
  for (const t of tensors) {
    if (needle && !t.name.toLowerCase().includes(needle)) continue;
    const prefix = blockPrefix(t.name);
    const list = groups.get(prefix) ?? [];
    list.push(t);
    groups.set(prefix, list);
  }
  const rows: ListRow[] = [];
  for (const prefix of [...groups.keys()].sort((a, b) => compare(a, b))) {
    const list = groups.get(prefix) ?? [];
    rows.push({ heading: `${prefix}.* (${list.length})` });
    if (value) list.sort((a, b) => sort.dir * compare(value(a), value(b)));
    for (const t of list) rows.push({ tensor: t });
  }
  return rows;
}

/** The Overview's searchable, sortable list of every tensor in the file. */
export class TensorsList {
  readonly root: HTMLElement;
  private readonly table: VirtualTable<ListRow>;
  private readonly search: HTMLInputElement;
  private key = '';
  count = 0;

  constructor(private readonly store: Store, onOpen: (name: string) => void) {
    this.table = new VirtualTable<ListRow>({
      id: 'tensors-list', label: 'Tensors in the file', columns: COLUMNS,
      rowKey: (r) => ('tensor' in r ? r.tensor.name : r.heading),
      heading: (r) => ('heading' in r ? r.heading : null),
      onSort: (tensorsSort) => store.setUi({ tensorsSort }),
      onOpen: (r) => { if ('tensor' in r) onOpen(r.tensor.name); },
    });
    this.search = el('input', {
      attrs: { id: 'tensors-search', type: 'search', placeholder: 'Search tensors', 'aria-label': 'Search tensors by name', value: store.ui.tensorsFilter },
      on: { input: () => store.setUi({ tensorsFilter: this.search.value }) },
    });
    this.root = el('section', { class: 'tensors-list' }, [el('h2', { text: 'Tensors' }), this.search, this.table.root]);
  }

  update(): void {
    const summary = this.store.init?.summary;
    if (!summary) return;
    const { tensorsFilter, tensorsSort } = this.store.ui;
    const key = JSON.stringify([summary.tensors.length, tensorsFilter, tensorsSort]);
    if (key === this.key) return;
    this.key = key;
    const rows = groupedRows(summary.tensors, tensorsFilter, tensorsSort);
    this.count = rows.filter((r) => 'tensor' in r).length;
    this.table.setRows(rows, tensorsSort);
  }
}
