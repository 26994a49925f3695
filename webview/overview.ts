import { LAYER_GROUPS, layerGroup } from '../src/shared/layerGroups';
import { dtypeBreakdown, storageTable } from '../src/shared/storageSizes';
import { ChartSet } from './charts';
import { el } from './dom';
import { formatBytes, formatCount, formatDb } from './format';
import { shownConfigKey, sqnrClass, worstTensors } from './results';
import type { Store } from './store';
import { seriesColor } from './theme';
import { TensorsList } from './tensorsList';
import type { View, ViewContext, ViewReport } from './view';

const WORST_SHOWN = 3;

function table(caption: string, head: readonly string[], rows: readonly (readonly (string | Node)[])[], id: string): HTMLTableElement {
  return el('table', { class: 'data', attrs: { id } }, [
    el('caption', { text: caption }),
    el('thead', {}, [el('tr', {}, head.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))]),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c) => el('td', {}, [c]))))),
  ]);
}

/** Overview tab: sizes under each storage type, dtype and layer-group breakdowns, worst tensors, tensor list. */
export class OverviewView implements View {
  readonly root = el('div', { class: 'overview' });
  private readonly facts = el('div', { class: 'overview-grid' });
  private readonly worst = el('section', { class: 'worst' });
  private readonly list: TensorsList;
  private readonly charts = new ChartSet();
  private readonly store: Store;
  private readonly openTensor: (name: string) => void;
  private factsKey = '';

  constructor({ store, openTensor }: ViewContext) {
    this.store = store;
    this.openTensor = openTensor;
    this.list = new TensorsList(store, openTensor);
    this.root.append(this.worst, this.facts, this.list.root);
  }

  /** `force` redraws charts (theme change). */
  update(force: boolean): void {
    const summary = this.store.init?.summary;
    if (!summary) return;
    const selection = this.store.ui.selection ?? this.store.init?.selection;
    const key = JSON.stringify([summary.tensors.length, selection?.formats]);
    if (force || key !== this.factsKey) {
      this.factsKey = key;
      this.renderFacts();
    }
    this.renderWorst();
    this.list.update();
  }

  chartsDrawn(): number {
    return this.charts.count();
  }

  report(): ViewReport {
    return { tensorsListed: this.list.count };
  }

  private renderFacts(): void {
    const summary = this.store.init?.summary;
    if (!summary) return;
    this.charts.destroyAll();
    const formats = (this.store.ui.selection ?? this.store.init?.selection)?.formats ?? [];
    const sizes = storageTable(summary, formats);
    const dtypes = dtypeBreakdown(summary);
    const groups = LAYER_GROUPS.map((g) => ({ g, params: 0 }));
    for (const t of summary.tensors) {
      const entry = groups.find((x) => x.g === layerGroup(t.name));
      if (entry) entry.params += t.numel;
    }
    const shownGroups = groups.filter((g) => g.params > 0);
    this.facts.replaceChildren(
      table('Model size under each storage type (quantizable float tensors re-stored; others as they are)', ['Storage', 'Bits / value', 'Size', 'vs file'],
        sizes.map((s) => [s.label, String(s.bitsPerValue), formatBytes(s.bytes), `${s.compression.toFixed(2)}×`]), 'size-table'),
      table('Data types in the file', ['dtype', 'Tensors', 'Params', 'Bytes'],
        dtypes.map((d) => [d.dtype, String(d.tensors), formatCount(d.params), formatBytes(d.bytes)]), 'dtype-table'),
      this.charts.add('dtype-chart', 'Parameters by dtype', 'Number of parameters stored in each dtype', {
        type: 'bar',
        data: { labels: dtypes.map((d) => d.dtype), datasets: [{ label: 'parameters', data: dtypes.map((d) => d.params), backgroundColor: seriesColor(0) }] },
        options: { indexAxis: 'y', plugins: { legend: { display: false } } },
      }),
      this.charts.add('group-chart', 'Parameters by layer group', 'Groups from tensor names: embeddings, attention, MLP, norms, head', {
        type: 'bar',
        data: { labels: shownGroups.map((g) => g.g), datasets: [{ label: 'parameters', data: shownGroups.map((g) => g.params), backgroundColor: seriesColor(1) }] },
        options: { indexAxis: 'y', plugins: { legend: { display: false } } },
      }),
    );
  }

  private renderWorst(): void {
    const results = this.store.analysis.results;
    const key = shownConfigKey(results, this.store.ui.configKey);
    if (!key) {
      this.worst.replaceChildren(el('p', { class: 'empty-state', text: this.store.init?.summary ? 'Pick a scheme and press Analyze to see which layers suffer most.' : '' }));
      return;
    }
    const worst = worstTensors(results, key, WORST_SHOWN);
    this.worst.replaceChildren(
      el('h2', { text: `Most damaged tensors under ${key}` }),
      el('ol', { attrs: { id: 'worst-list' } }, worst.map(({ t, r }) => el('li', {}, [
        el('a', { text: t.name, attrs: { href: '#', 'data-tensor': t.name }, on: { click: (e) => { e.preventDefault(); this.openTensor(t.name); } } }),
        ' ',
        el('span', { class: `badge ${sqnrClass(r.sqnrDb)}`, text: formatDb(r.sqnrDb), attrs: { title: 'SQNR = 10 log10(Σx² / Σ(x − x̂)²)' } }),
      ]))),
    );
  }

  release(): void {
    this.charts.destroyAll();
    this.factsKey = '';
  }
}
