import type { QuantResult } from '../src/shared/analysisTypes';
import type { Estimated, QuantEstimate } from '../src/shared/estimateTypes';
import { TENSOR_ROLES, type TensorRole } from '../src/shared/layerGroups';
import { el } from './dom';
import { formatBytes, formatCount, formatDb, formatNumber, formatPct, formatShape } from './format';
import { estimateCell, layerConfigKeys, layerRows, maxErrorCell, type LayerRow } from './layerRows';
import { intBitsOf, sqnrClass, totalsFor } from './results';
import type { Store } from './store';
import type { View, ViewContext, ViewReport } from './view';
import { VirtualTable, type Column } from './virtualTable';

/** SQNR at which an inline bar is full width: beyond it, more bits buy nothing visible. */
const FULL_BAR_DB = 60;

function scaleText(r: QuantResult | undefined): string {
  if (!r || r.kind !== 'int') return '–';
  return r.scale !== null ? formatNumber(r.scale) : `${formatNumber(r.scaleMin)} … ${formatNumber(r.scaleMax)}`;
}

function sqnrBars(row: LayerRow): Node {
  return el('div', { class: 'bars', attrs: { title: row.bars.map((b) => `INT${b.bits}: ${formatDb(b.db)}`).join('\n') } }, row.bars.map((b) => {
    const bar = el('div', { class: `bar ${sqnrClass(b.db)}` });
    const db = b.db === null ? FULL_BAR_DB : Math.max(0, Math.min(FULL_BAR_DB, b.db));
    bar.style.width = `${(100 * db) / FULL_BAR_DB}%`;
    return bar;
  }));
}

/** An estimated figure (progressive): marked, muted by the `estimate` class, its interval in the tooltip. */
function estimated(text: { text: string; title: string }): Node {
  return el('span', { class: 'estimate', text: text.text, attrs: { title: text.title } });
}

/** The exact figure, else the estimate's, else a dash. */
function figure(row: LayerRow, exact: (r: QuantResult) => string, estimate: (e: QuantEstimate) => Estimated | null, format: (x: number) => string): string | Node {
  if (row.r) return exact(row.r);
  const e = row.e ? estimate(row.e) : null;
  return e && row.e ? estimated(estimateCell(e, format, row.e.rangeFromSample)) : '–';
}

const COLUMNS: readonly Column<LayerRow>[] = [
  { key: 'name', title: 'Tensor', tooltip: 'Name as stored', width: { min: 160, share: 3 }, cell: (r) => r.name },
  { key: 'shape', title: 'Shape', tooltip: 'Row-major, outermost first', width: 100, cell: (r) => formatShape(r.shape) },
  { key: 'numel', title: 'Params', tooltip: 'Number of elements', numeric: true, width: 64, cell: (r) => formatCount(r.numel) },
  { key: 'scale', title: 'Scale', tooltip: 'Scale per tensor, or smallest … largest over channels / groups', numeric: true, width: 120, cell: (r) => scaleText(r.r) },
  { key: 'zp', title: 'Zero pt', tooltip: 'Zero point (per tensor)', numeric: true, width: 56, cell: (r) => (r.r?.kind === 'int' && r.r.zeroPoint !== null ? String(r.r.zeroPoint) : '–') },
  { key: 'mse', title: 'MSE', tooltip: 'mean((x − x̂)²)', numeric: true, width: 76, cell: (r) => figure(r, (x) => formatNumber(x.mse), (e) => e.mse, formatNumber) },
  {
    key: 'sqnr', title: 'SQNR', tooltip: '10 log10(Σx² / Σ(x − x̂)²), higher is better', numeric: true, width: 72,
    cell: (r) => figure(r, (x) => formatDb(x.sqnrDb), (e) => e.sqnrDb, formatDb),
    cellClass: (r) => (r.r ? sqnrClass(r.r.sqnrDb) : r.e ? sqnrClass(r.e.sqnrDb?.value ?? null) : ''),
  },
  {
    key: 'maxerr', title: 'Max err', tooltip: 'max |x − x̂|', numeric: true, width: 72,
    cell: (r) => (r.r ? formatNumber(r.r.maxAbsErr) : r.e ? estimated(maxErrorCell(r.e, formatNumber)) : '–'),
  },
  { key: 'relerr', title: 'Rel err', tooltip: 'mean(|x − x̂| / (|x| + 1e-10)) × 100', numeric: true, width: 68, cell: (r) => figure(r, (x) => formatPct(x.meanRelErrPct), (e) => e.meanRelErrPct, formatPct) },
  {
    key: 'clipped', title: 'Clipped', tooltip: 'Share of values outside the clipping range', numeric: true, width: 64,
    cell: (r) => (r.r ? (r.r.kind === 'int' ? formatPct(r.r.clippedPct) : '–') : figure(r, () => '–', (e) => e.clippedPct, formatPct)),
  },
  { key: 'bars', title: 'SQNR by bits', tooltip: 'SQNR of this scheme at each analysed bit width', sortable: false, width: { min: 80, share: 1 }, cell: sqnrBars },
];

/** Rows sort by the exact figure, or the estimate's while there is none. */
const SORT_VALUE: Record<string, (r: LayerRow) => number | string> = {
  order: (r) => r.order, name: (r) => r.name, shape: (r) => r.shape.length, numel: (r) => r.numel,
  scale: (r) => (r.r?.kind === 'int' ? r.r.scaleMax : 0), zp: (r) => (r.r?.kind === 'int' ? r.r.zeroPoint ?? 0 : 0),
  mse: (r) => r.r?.mse ?? r.e?.mse.value ?? 0, sqnr: (r) => (r.r ? r.r.sqnrDb ?? Infinity : r.e?.sqnrDb?.value ?? Infinity),
  maxerr: (r) => r.r?.maxAbsErr ?? r.e?.maxAbsErrLowerBound ?? 0, relerr: (r) => r.r?.meanRelErrPct ?? r.e?.meanRelErrPct.value ?? 0,
  clipped: (r) => (r.r?.kind === 'int' ? r.r.clippedPct : r.e?.clippedPct?.value ?? 0),
};

function compileFilter(text: string): RegExp | null {
  try {
    return new RegExp(text, 'i');
  } catch {
    return null;
  }
}

/** Layers tab: one row per tensor for the chosen configuration, filled as results stream in. */
export class LayersView implements View {
  readonly root = el('div', { class: 'layers' });
  private readonly table: VirtualTable<LayerRow>;
  private readonly toolbar = el('div', { class: 'toolbar' });
  private readonly empty = el('p', { class: 'empty-state' });
  private readonly filterInput: HTMLInputElement;
  private key = '';
  private readonly store: Store;
  private toolbarKey = '';
  private rowsShown = 0;

  constructor({ store, openTensor }: ViewContext) {
    this.store = store;
    this.table = new VirtualTable<LayerRow>({
      id: 'layers-table', label: 'Quantization error per tensor', columns: COLUMNS,
      rowKey: (r) => r.name,
      onSort: (layersSort) => store.setUi({ layersSort }),
      onOpen: (r) => openTensor(r.name),
    });
    this.filterInput = el('input', {
      attrs: { id: 'layers-filter', type: 'search', placeholder: 'Filter (regex)', 'aria-label': 'Filter tensors by regular expression', value: store.ui.layersFilter },
      on: { input: () => store.setUi({ layersFilter: this.filterInput.value }) },
    });
    this.root.append(this.toolbar, this.empty, this.table.root);
  }

  report(): ViewReport {
    return { resultRows: this.rowsShown };
  }

  update(): void {
    const { analysis, ui, dataVersion } = this.store;
    const keys = layerConfigKeys(analysis.results, analysis.estimates);
    const key = ui.configKey && keys.includes(ui.configKey) ? ui.configKey : keys[keys.length - 1];
    const stateKey = JSON.stringify([dataVersion, key, ui.layersFilter, ui.layersRole, ui.layersSort]);
    if (stateKey === this.key) return;
    this.key = stateKey;
    const toolbarKey = JSON.stringify([keys, key, ui.layersRole]);
    if (toolbarKey !== this.toolbarKey) {
      this.toolbarKey = toolbarKey;
      this.renderToolbar(keys, key);
    }
    const regex = compileFilter(ui.layersFilter);
    this.filterInput.classList.toggle('invalid', regex === null);
    const rows = layerRows(analysis.results, analysis.estimates, key, intBitsOf(analysis.results), { regex, role: ui.layersRole });
    const value = SORT_VALUE[ui.layersSort.key] ?? SORT_VALUE['order'];
    if (value) rows.sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb), undefined, { numeric: true });
      return ui.layersSort.dir * c;
    });
    // Rows with an exact result: estimates are provisional, and host tests wait for the results shown.
    this.rowsShown = rows.filter((r) => r.t !== undefined).length;
    this.empty.textContent = analysis.status === 'idle' ? 'Pick a scheme and press Analyze: rows appear here as tensors finish.' : '';
    this.empty.hidden = analysis.status !== 'idle';
    this.table.setRows(rows, ui.layersSort);
    const exact = rows.flatMap((r) => (r.t ? [r.t] : []));
    const totals = key ? totalsFor(exact, key) : null;
    this.table.setFooter(totals ? [
      `${totals.tensors} tensors`, '', formatCount(totals.params), '', '',
      formatNumber(totals.mse), formatDb(totals.sqnrDb), '', '', '', `≈ ${formatBytes(totals.bytes)}`,
    ] : []);
  }

  private renderToolbar(keys: readonly string[], current: string | undefined): void {
    const config = el('select', {
      attrs: { id: 'config-select', 'aria-label': 'Configuration shown', disabled: keys.length === 0 },
      on: { change: () => this.store.setUi({ configKey: config.value }) },
    }, keys.map((k) => el('option', { text: k, attrs: { value: k, selected: k === current } })));
    const role = el('select', {
      attrs: { id: 'role-select', 'aria-label': 'Tensor role' },
      on: { change: () => this.store.setUi({ layersRole: role.value as TensorRole | 'all' }) },
    }, ['all', ...TENSOR_ROLES].map((r) => el('option', { text: r === 'all' ? 'all roles' : `${r}s`, attrs: { value: r, selected: r === this.store.ui.layersRole } })));
    this.toolbar.replaceChildren(
      el('label', { class: 'field' }, [el('span', { text: 'configuration' }), config]),
      this.filterInput,
      role,
    );
  }
}
