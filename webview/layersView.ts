import type { QuantResult, TensorResult } from '../src/shared/analysisTypes';
import { TENSOR_ROLES, tensorRole, type TensorRole } from '../src/shared/layerGroups';
import { el } from './dom';
import { formatBytes, formatCount, formatDb, formatNumber, formatPct, formatShape } from './format';
import { configKeys, intBitsOf, resultFor, sameSchemeKey, shownConfigKey, sqnrClass, totalsFor } from './results';
import type { Store } from './store';
import type { View, ViewContext, ViewReport } from './view';
import { VirtualTable, type Column } from './virtualTable';

/** SQNR at which an inline bar is full width: beyond it, more bits buy nothing visible. */
const FULL_BAR_DB = 60;

interface LayerRow {
  readonly order: number;
  readonly t: TensorResult;
  readonly r: QuantResult | undefined;
  /** SQNR at each bit width of the same scheme (for the inline bars). */
  readonly bars: readonly { bits: number; db: number | null }[];
}

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

const COLUMNS: readonly Column<LayerRow>[] = [
  { key: 'name', title: 'Tensor', tooltip: 'Name as stored', width: { min: 160, share: 3 }, cell: (r) => r.t.name },
  { key: 'shape', title: 'Shape', tooltip: 'Row-major, outermost first', width: 100, cell: (r) => formatShape(r.t.shape) },
  { key: 'numel', title: 'Params', tooltip: 'Number of elements', numeric: true, width: 64, cell: (r) => formatCount(r.t.numel) },
  { key: 'scale', title: 'Scale', tooltip: 'Scale per tensor, or smallest … largest over channels / groups', numeric: true, width: 120, cell: (r) => scaleText(r.r) },
  { key: 'zp', title: 'Zero pt', tooltip: 'Zero point (per tensor)', numeric: true, width: 56, cell: (r) => (r.r?.kind === 'int' && r.r.zeroPoint !== null ? String(r.r.zeroPoint) : '–') },
  { key: 'mse', title: 'MSE', tooltip: 'mean((x − x̂)²)', numeric: true, width: 76, cell: (r) => formatNumber(r.r?.mse) },
  {
    key: 'sqnr', title: 'SQNR', tooltip: '10 log10(Σx² / Σ(x − x̂)²), higher is better', numeric: true, width: 72,
    cell: (r) => (r.r ? formatDb(r.r.sqnrDb) : '–'), cellClass: (r) => (r.r ? sqnrClass(r.r.sqnrDb) : ''),
  },
  { key: 'maxerr', title: 'Max err', tooltip: 'max |x − x̂|', numeric: true, width: 72, cell: (r) => formatNumber(r.r?.maxAbsErr) },
  { key: 'relerr', title: 'Rel err', tooltip: 'mean(|x − x̂| / (|x| + 1e-10)) × 100', numeric: true, width: 68, cell: (r) => (r.r ? formatPct(r.r.meanRelErrPct) : '–') },
  { key: 'clipped', title: 'Clipped', tooltip: 'Share of values outside the clipping range', numeric: true, width: 64, cell: (r) => (r.r?.kind === 'int' ? formatPct(r.r.clippedPct) : '–') },
  { key: 'bars', title: 'SQNR by bits', tooltip: 'SQNR of this scheme at each analysed bit width', sortable: false, width: { min: 80, share: 1 }, cell: sqnrBars },
];

const SORT_VALUE: Record<string, (r: LayerRow) => number | string> = {
  order: (r) => r.order, name: (r) => r.t.name, shape: (r) => r.t.shape.length, numel: (r) => r.t.numel,
  scale: (r) => (r.r?.kind === 'int' ? r.r.scaleMax : 0), zp: (r) => (r.r?.kind === 'int' ? r.r.zeroPoint ?? 0 : 0),
  mse: (r) => r.r?.mse ?? 0, sqnr: (r) => r.r?.sqnrDb ?? Infinity, maxerr: (r) => r.r?.maxAbsErr ?? 0,
  relerr: (r) => r.r?.meanRelErrPct ?? 0, clipped: (r) => (r.r?.kind === 'int' ? r.r.clippedPct : 0),
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
      rowKey: (r) => r.t.name,
      onSort: (layersSort) => store.setUi({ layersSort }),
      onOpen: (r) => openTensor(r.t.name),
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
    const keys = configKeys(analysis.results);
    const key = shownConfigKey(analysis.results, ui.configKey);
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
    const bits = intBitsOf(analysis.results);
    const rows: LayerRow[] = [];
    analysis.results.forEach((t, order) => {
      if (regex && !regex.test(t.name)) return;
      if (ui.layersRole !== 'all' && tensorRole(t.name, t.shape) !== ui.layersRole) return;
      const r = key ? resultFor(t, key) : undefined;
      const bars = r?.kind === 'int'
        ? bits.map((b) => ({ bits: b, db: resultFor(t, sameSchemeKey(r, b))?.sqnrDb ?? null }))
        : [];
      rows.push({ order, t, r, bars });
    });
    const value = SORT_VALUE[ui.layersSort.key] ?? SORT_VALUE['order'];
    if (value) rows.sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb), undefined, { numeric: true });
      return ui.layersSort.dir * c;
    });
    this.rowsShown = rows.length;
    this.empty.textContent = analysis.status === 'idle' ? 'Pick a scheme and press Analyze: rows appear here as tensors finish.' : '';
    this.empty.hidden = analysis.status !== 'idle';
    this.table.setRows(rows, ui.layersSort);
    const totals = key ? totalsFor(rows.map((r) => r.t), key) : null;
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
