import type { IntResult, TensorResult } from '../src/shared/analysisTypes';
import { configLabel } from '../src/shared/resultLabels';
import { ChartSet } from './charts';
import { el } from './dom';
import { groupTensors, intBitsOf, rankSensitivity, resultFor, sameSchemeKey, shownConfigKey, totalsFor } from './results';
import type { Store } from './store';
import { cssVar, seriesColor } from './theme';
import type { View, ViewContext } from './view';

/** Bars in the sensitivity chart: the rest are fine at low precision anyway. */
const SENSITIVE_SHOWN = 30;
/** Share of ranked layers highlighted as "keep at higher precision". */
const KEEP_SHARE = 0.1;

function intTemplate(results: readonly TensorResult[], key: string | undefined): IntResult | undefined {
  const first = results[0];
  const chosen = first && key ? resultFor(first, key) : undefined;
  if (chosen?.kind === 'int') return chosen;
  for (const t of results) for (const r of t.results) if (r.kind === 'int') return r;
  return undefined;
}

/** Compare tab: error against bit width per layer group and for the model; layers ranked by sensitivity. */
export class CompareView implements View {
  readonly root = el('div', { class: 'compare' });
  private readonly charts = new ChartSet();
  private readonly store: Store;
  private key = '';

  constructor({ store }: ViewContext) {
    this.store = store;
  }

  chartsDrawn(): number {
    return this.charts.count();
  }

  /** Frees the charts while the tab is hidden; the next update redraws. */
  release(): void {
    this.charts.destroyAll();
    this.key = '';
  }

  update(force: boolean): void {
    const { analysis, ui } = this.store;
    // While results stream, redraw when a tenth more have arrived, not on each one.
    const step = Math.max(1, Math.floor(analysis.tensorsTotal / 10));
    const bucket = analysis.status === 'running' ? Math.floor(analysis.results.length / step) : analysis.results.length;
    const configKey = shownConfigKey(analysis.results, ui.configKey);
    const key = JSON.stringify([bucket, analysis.status, configKey, ui.compareMetric]);
    if (!force && key === this.key) return;
    this.key = key;
    this.charts.destroyAll();
    const template = intTemplate(analysis.results, configKey);
    const bits = intBitsOf(analysis.results);
    if (!template || bits.length === 0) {
      this.root.replaceChildren(el('p', { class: 'empty-state', text: 'Analyze with integer bit widths (QuantLens: Compare Bit Widths runs 8, 4 and 2) to compare them here.' }));
      return;
    }
    const metric = el('select', {
      attrs: { id: 'compare-metric', 'aria-label': 'Metric' },
      on: { change: () => this.store.setUi({ compareMetric: metric.value === 'mse' ? 'mse' : 'sqnr' }) },
    }, [['sqnr', 'SQNR (dB)'], ['mse', 'MSE (log)']].map(([v, t]) => el('option', { text: t, attrs: { value: v, selected: v === ui.compareMetric } })));
    this.root.replaceChildren(
      el('div', { class: 'toolbar' }, [el('label', { class: 'field' }, [el('span', { text: 'metric' }), metric]), el('span', { class: 'fact', text: `${template.mode}, ${template.granularity}, ${template.range}` })]),
      el('div', { class: 'chart-grid' }, [this.bitsChart(analysis.results, template, bits), this.sensitivityChart(analysis.results, template, bits)]),
    );
  }

  private bitsChart(results: readonly TensorResult[], template: IntResult, bits: readonly number[]): HTMLElement {
    const mse = this.store.ui.compareMetric === 'mse';
    const value = (ts: readonly TensorResult[], b: number): number | null => {
      const totals = totalsFor(ts, sameSchemeKey(template, b));
      return mse ? totals.mse : totals.sqnrDb;
    };
    const groups = [...groupTensors(results)];
    const datasets = groups.map(([group, ts], i): { label: string; data: { x: number; y: number | null }[]; borderColor: string; backgroundColor: string; borderWidth: number } => ({
      label: group, data: bits.map((b) => ({ x: b, y: value(ts, b) })), borderColor: seriesColor(i), backgroundColor: seriesColor(i), borderWidth: 1.5,
    }));
    const fg = cssVar('--vscode-foreground');
    datasets.push({ label: 'whole model', data: bits.map((b) => ({ x: b, y: value(results, b) })), borderColor: fg, backgroundColor: fg, borderWidth: 4 });
    return this.charts.add('bits-chart', `${mse ? 'MSE' : 'SQNR'} against bit width`, 'One line per layer group; the bold line is the whole model (energy-weighted)', {
      type: 'line',
      data: { datasets },
      options: {
        parsing: false,
        scales: {
          x: { type: 'linear', reverse: true, ticks: { stepSize: 1 }, title: { display: true, text: 'bits' } },
          y: { type: mse ? 'logarithmic' : 'linear', title: { display: true, text: mse ? 'MSE' : 'SQNR (dB)' } },
        },
        plugins: { legend: { position: 'bottom' } },
      },
    });
  }

  private sensitivityChart(results: readonly TensorResult[], template: IntResult, bits: readonly number[]): HTMLElement {
    const high = bits.includes(8) ? 8 : bits[0] ?? template.bits;
    const low = bits.includes(4) && high !== 4 ? 4 : bits[bits.length - 1] ?? template.bits;
    const ranked = rankSensitivity(results, template, high, low).slice(0, SENSITIVE_SHOWN);
    const keep = Math.max(1, Math.ceil(ranked.length * KEEP_SHARE));
    const hot = seriesColor(4);
    const cool = seriesColor(0);
    const title = high !== low ? `Sensitivity: SQNR drop from ${high} to ${low} bits` : `Sensitivity: lowest SQNR at ${low} bits`;
    return this.charts.add('sensitivity-chart', title, `Top ${ranked.length} layers; the first ${keep} (highlighted) are the ones a mixed-precision plan would keep at ${high} bits. Scheme: ${configLabel(template)}`, {
      type: 'bar',
      data: {
        labels: ranked.map((s) => s.name),
        datasets: [{ label: high !== low ? 'SQNR drop (dB)' : '−SQNR (dB)', data: ranked.map((s) => s.score), backgroundColor: ranked.map((_, i) => (i < keep ? hot : cool)) }],
      },
      options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { title: { display: true, text: 'dB' } } } },
    });
  }
}
