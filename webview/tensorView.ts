import type { ChartConfiguration } from 'chart.js';
import type { Histogram, IntResult, QuantResult, ResultHistograms, TensorResult, TensorSummary } from '../src/shared/analysisTypes';
import { configLabel } from '../src/shared/resultLabels';
import { blockKey, histogramKey, type BlockRequest, type HistogramRequest } from '../src/shared/webviewProtocol';
import { ChartSet, shadeOutside, verticalLines, type VerticalLine } from './charts';
import { el } from './dom';
import { formatCount, formatDb, formatNumber, formatPct, formatShape } from './format';
import type { AppHost } from './host';
import { blockScales, histogramPoints, quantLevels, saturationRange } from './quantLevels';
import { rangeMethodResults, resultFor, shownConfigKey } from './results';
import type { Store } from './store';
import { seriesColor, withAlpha } from './theme';
import type { View, ViewContext, ViewReport } from './view';

const FILL_ALPHA = 0.35;
const SHADE_ALPHA = 0.12;
/** Chart colours of the range-method lines: every one but the original's (0) and the clip range's (4), then those. */
const METHOD_COLORS = [2, 3, 5, 1, 0];

function methodColor(i: number): number {
  return METHOD_COLORS[i % METHOD_COLORS.length] ?? 0;
}

/** What the per-block chart shows for a result: its groups for a per-group scheme, else output channels. */
function blockRequest(t: TensorResult, int: IntResult | undefined): BlockRequest {
  return int?.granularity === 'group'
    ? { tensor: t.name, granularity: 'group', groupSize: int.groupSize }
    : { tensor: t.name, granularity: 'channel', groupSize: null };
}

/** What the values and error charts draw: the weights' histogram, and the shown result's (none without a result). */
interface ShownHistograms {
  readonly values: Histogram;
  readonly result: ResultHistograms | null;
}

/**
 * The histograms a result's configuration asks for: its own result's or, with none, the first's (the
 * weights' histogram is the same under every configuration; undefined: the tensor has no result).
 */
function histogramRequest(t: TensorResult, r: QuantResult | undefined): HistogramRequest | undefined {
  const shown = r ?? t.results[0];
  return shown ? { tensor: t.name, config: configLabel(shown) } : undefined;
}

/** Tensor tab: histograms of one tensor before and after quantization, its error, its channel scales. */
export class TensorView implements View {
  readonly root = el('div', { class: 'tensor-view' });
  private readonly charts = new ChartSet();
  private readonly store: Store;
  private readonly host: AppHost;
  private key = '';
  /** What the last draw showed beyond the basic charts (reported to the host). */
  private shown: { rangeMethods: string[]; blockChart: 'channel' | 'group' | null } = { rangeMethods: [], blockChart: null };

  constructor({ store, host }: ViewContext) {
    this.store = store;
    this.host = host;
  }

  report(shown: boolean): ViewReport {
    return shown ? { tensorView: this.shown } : {};
  }

  private configKey(): string | undefined {
    return shownConfigKey(this.store.analysis.results, this.store.ui.configKey);
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
    const { ui, analysis, init } = this.store;
    const name = ui.selectedTensor ?? analysis.results[0]?.name ?? init?.summary?.tensors[0]?.name ?? null;
    const t = name ? analysis.byName.get(name) : undefined;
    const chosen = t ? this.chosenResult(t) : undefined;
    const blocks = t ? typeof this.store.blockStats.get(blockKey(blockRequest(t, chosen?.kind === 'int' ? chosen : undefined))) : '';
    const wanted = t ? histogramRequest(t, chosen) : undefined;
    const histograms = wanted ? typeof this.store.histograms.get(histogramKey(wanted)) : '';
    const key = JSON.stringify([name, t ? 1 : 0, this.configKey(), ui.logScale, blocks, histograms, analysis.results.length === 0]);
    if (!force && key === this.key) return;
    this.key = key;
    this.charts.destroyAll();
    this.shown = { rangeMethods: [], blockChart: null };
    const summary = init?.summary?.tensors.find((x) => x.name === name);
    if (!name || !summary) {
      this.root.replaceChildren(el('p', { class: 'empty-state', text: 'Select a tensor in the Layers or Overview tab (Enter opens it).' }));
      return;
    }
    this.root.replaceChildren(this.toolbar(name), ...(t ? this.tensorDetails(t, summary) : [
      this.statsTable(summary, undefined, undefined),
      el('p', { class: 'empty-state', text: 'Analyze to see this tensor\'s histograms.' }),
    ]));
  }

  private toolbar(name: string): HTMLElement {
    const names = this.store.analysis.results.length > 0
      ? this.store.analysis.results.map((r) => r.name)
      : (this.store.init?.summary?.tensors ?? []).map((t) => t.name);
    const select = el('select', {
      attrs: { id: 'tensor-select', 'aria-label': 'Tensor' },
      on: { change: () => this.store.setUi({ selectedTensor: select.value }) },
    }, names.map((n) => el('option', { text: n, attrs: { value: n, selected: n === name } })));
    const log = el('input', {
      attrs: { id: 'log-scale', type: 'checkbox', checked: this.store.ui.logScale },
      on: { change: () => this.store.setUi({ logScale: log.checked }) },
    });
    return el('div', { class: 'toolbar' }, [
      el('label', { class: 'field' }, [el('span', { text: 'tensor' }), select]),
      el('label', { class: 'field', attrs: { title: 'Logarithmic counts: outliers become visible' } }, [log, el('span', { text: 'log scale' })]),
      el('span', { class: 'fact', text: this.configKey() ?? '' }),
    ]);
  }

  private chosenResult(t: TensorResult): QuantResult | undefined {
    const key = this.configKey();
    return key ? resultFor(t, key) : t.results[0];
  }

  private tensorDetails(t: TensorResult, summary: TensorSummary): HTMLElement[] {
    const r = this.chosenResult(t);
    const int = r?.kind === 'int' ? r : undefined;
    const methods = int ? rangeMethodResults(t, int) : [];
    const parts: HTMLElement[] = [this.statsTable(summary, t, r)];
    const histograms = this.histograms(t, r);
    if (typeof histograms === 'string') {
      parts.push(el('p', { class: 'empty-state', attrs: { id: 'histograms-pending' }, text: histograms }));
    } else {
      const grid = el('div', { class: 'chart-grid' });
      grid.append(this.valuesChart(histograms, r, int, methods.length > 1 ? methods : []));
      if (r && histograms.result) grid.append(this.errorChart(r, histograms.result));
      parts.push(grid);
    }
    if (methods.length > 1) {
      parts.push(this.methodsTable(methods, int));
      this.shown.rangeMethods = methods.map((m) => m.range);
    }
    if (t.shape.length >= 2) parts.push(this.blockChart(t, int));
    return parts;
  }

  /**
   * The histograms of t under r: those the analysis computed (a report analysed with --histograms),
   * else those the host sent on request (asked for here when missing); a string says why none are drawn.
   */
  private histograms(t: TensorResult, r: QuantResult | undefined): ShownHistograms | string {
    if (t.histogram && (!r || r.histograms)) return { values: t.histogram, result: r?.histograms ?? null };
    const request = histogramRequest(t, r);
    if (!request) return 'No configuration applies to this tensor: no histograms.';
    const got = this.store.histograms.get(histogramKey(request));
    if (typeof got === 'string') return `No histograms: ${got}`;
    if (got) return { values: got.values, result: r ? got : null };
    if (!this.host.interactive) return 'Histograms are drawn in the editor only (or saved with analyze --histograms).';
    this.host.post({ type: 'requestHistograms', request });
    return 'Computing this tensor\'s histograms…';
  }

  /** Each range method's clipping range and what it costs, for the lines on the values chart. */
  private methodsTable(methods: readonly IntResult[], chosen: IntResult | undefined): HTMLElement {
    const head = ['range method', 'clip min', 'clip max', 'MSE', 'SQNR', 'clipped'];
    return el('table', { class: 'data methods', attrs: { id: 'range-methods-table' } }, [
      el('caption', { text: `Range methods at ${methods[0] ? configLabel({ ...methods[0], range: 'minmax' }) : ''}: the dashed lines on the values chart` }),
      el('thead', {}, [el('tr', {}, head.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))]),
      el('tbody', {}, methods.map((m, i) => el('tr', { class: m === chosen ? 'chosen' : '', attrs: { 'data-range': m.range } }, [
        el('th', { attrs: { scope: 'row' } }, [el('span', { class: `swatch swatch-${methodColor(i)}` }), m.range]),
        el('td', { class: 'num', text: formatNumber(m.clipMin) }),
        el('td', { class: 'num', text: formatNumber(m.clipMax) }),
        el('td', { class: 'num', text: formatNumber(m.mse) }),
        el('td', { class: 'num', text: formatDb(m.sqnrDb) }),
        el('td', { class: 'num', text: formatPct(m.clippedPct) }),
      ]))),
    ]);
  }

  private statsTable(s: TensorSummary, t: TensorResult | undefined, r: QuantResult | undefined): HTMLElement {
    const rows: [string, string, string][] = [
      ['shape', formatShape(s.shape), `${s.dtype}, ${formatCount(s.numel)} values`],
    ];
    if (t) {
      rows.push(
        ['min / max', `${formatNumber(t.stats.min)} / ${formatNumber(t.stats.max)}`, 'over finite values'],
        ['mean / std', `${formatNumber(t.stats.mean)} / ${formatNumber(t.stats.std)}`, ''],
        ['absmax', formatNumber(t.stats.absMax), 'max |x|'],
        ['non-finite', String(t.stats.nonFinite), 'NaN and ±Inf (excluded from every figure)'],
      );
    }
    if (r) {
      rows.push(['SQNR', formatDb(r.sqnrDb), configLabel(r)], ['MSE', formatNumber(r.mse), 'mean((x − x̂)²)']);
      if (r.kind === 'int') rows.push(['clipped', formatPct(r.clippedPct), 'values outside the clipping range']);
    }
    return el('table', { class: 'data stats', attrs: { id: 'tensor-stats' } }, [
      el('caption', { text: s.name }),
      el('tbody', {}, rows.map(([k, v, tip]) => el('tr', { attrs: { title: tip } }, [el('th', { text: k, attrs: { scope: 'row' } }), el('td', { text: v })]))),
    ]);
  }

  private valuesChart(h: ShownHistograms, r: QuantResult | undefined, int: IntResult | undefined, methods: readonly IntResult[]): HTMLElement {
    const log = this.store.ui.logScale;
    const original = seriesColor(0);
    const deq = seriesColor(1);
    const levels = int ? quantLevels(int) : [];
    const clip = int && int.clipMin !== null && int.clipMax !== null ? { lo: int.clipMin, hi: int.clipMax } : null;
    const saturated = int ? saturationRange(int) : null;
    const datasets: ChartConfiguration<'line'>['data']['datasets'] = [];
    datasets.push({ label: 'original', data: histogramPoints(h.values, log), borderColor: original, backgroundColor: withAlpha(original, FILL_ALPHA), fill: true, stepped: 'middle', pointRadius: 0, borderWidth: 1 });
    if (r && h.result) {
      // Points as well as the line: dequantized values sit in a few bins, isolated between gaps.
      datasets.push({ label: `dequantized (${configLabel(r)})`, data: histogramPoints(h.result.dequantized, log), borderColor: deq, backgroundColor: deq, fill: false, stepped: 'middle', pointRadius: 2.5, borderWidth: 1.5 });
    }
    const levelColor = deq;
    const clipColor = seriesColor(4);
    // Each range method's threshold pair, labelled once (at its upper end) with the MSE it buys.
    const methodLines: VerticalLine[] = methods.flatMap((m, i) => {
      if (m.clipMin === null || m.clipMax === null) return [];
      const color = seriesColor(methodColor(i));
      return [
        { x: m.clipMin, color, dash: [2, 2] },
        { x: m.clipMax, color, dash: [2, 2], label: `${m.range} · MSE ${formatNumber(m.mse)}` },
      ];
    });
    const caption = methods.length > 0
      ? `Histogram of the weights; ticks are the quantization levels, shaded areas saturate (beyond half a step past the last level); dashed lines: the clipping range of each range method (${methods.map((m) => m.range).join(', ')})`
      : 'Histogram of the weights; ticks at the bottom are the quantization levels, shaded areas saturate (beyond half a step past the last level)';
    return this.charts.add('values-chart', 'Values: original vs dequantized', caption, {
      type: 'line',
      data: { datasets },
      options: {
        parsing: false,
        scales: { x: { type: 'linear', title: { display: true, text: 'value' } }, y: { type: log ? 'logarithmic' : 'linear', title: { display: true, text: 'count' } } },
        plugins: { legend: { position: 'bottom' } },
      },
      plugins: [
        shadeOutside('clipShade', () => (saturated ? { ...saturated, color: withAlpha(clipColor, SHADE_ALPHA) } : null)),
        verticalLines('levels', () => [
          ...levels.map((x) => ({ x, color: levelColor, tick: true })),
          ...(clip ? [{ x: clip.lo, color: clipColor, label: `clip ${formatNumber(clip.lo)}`, dash: [4, 3] }, { x: clip.hi, color: clipColor, label: `clip ${formatNumber(clip.hi)}`, dash: [4, 3] }] : []),
          ...methodLines,
        ]),
      ],
    });
  }

  private errorChart(r: QuantResult, h: ResultHistograms): HTMLElement {
    const color = seriesColor(4);
    const log = this.store.ui.logScale;
    return this.charts.add('error-chart', 'Error: x − x̂', `Histogram of the quantization error under ${configLabel(r)}; max |error| ${formatNumber(r.maxAbsErr)}`, {
      type: 'line',
      data: { datasets: [{ label: 'error', data: histogramPoints(h.error, log), borderColor: color, backgroundColor: withAlpha(color, FILL_ALPHA), fill: true, stepped: 'middle', pointRadius: 0, borderWidth: 1 }] },
      options: {
        parsing: false,
        scales: { x: { type: 'linear', title: { display: true, text: 'error' } }, y: { type: log ? 'logarithmic' : 'linear', title: { display: true, text: 'count' } } },
        plugins: { legend: { display: false } },
      },
    });
  }

  /** Scale (or absmax) per output channel, or per group for a per-group scheme: the outlier blocks stand out. */
  private blockChart(t: TensorResult, int: IntResult | undefined): HTMLElement {
    const request = blockRequest(t, int);
    const unit = request.granularity === 'group' ? `group of ${request.groupSize}` : 'output channel';
    const stats = this.store.blockStats.get(blockKey(request));
    if (stats === undefined) {
      if (this.host.interactive) this.host.post({ type: 'requestBlockStats', request });
      return el('p', { class: 'empty-state', attrs: { id: 'channel-pending' }, text: this.host.interactive ? `Reading the range of each ${unit}…` : 'Per-channel and per-group scales are shown in the editor only.' });
    }
    if (typeof stats === 'string') return el('p', { class: 'empty-state', text: `No per-${request.granularity} chart: ${stats}` });
    const scales = blockScales(stats, int);
    this.shown.blockChart = request.granularity;
    const what = int ? `scale per ${unit} (${int.mode}, ${int.bits} bits)` : `absmax per ${unit}`;
    const pooled = stats.pooled > 1 ? `; each bar is the largest of ${stats.pooled} consecutive ${request.granularity}s (${stats.blocks.toLocaleString()} in all)` : '';
    const axis = request.granularity === 'group' ? 'group (row-major)' : 'channel';
    const id = request.granularity === 'group' ? 'group-scale-chart' : 'channel-chart';
    const title = `Per-${request.granularity} ${int ? 'scale' : 'absmax'}`;
    return this.charts.add(id, title, `${what}: tall bars are outlier ${request.granularity}s that a coarser scale must cover${pooled}`, {
      type: 'bar',
      data: { labels: scales.map((_, i) => String(i * stats.pooled)), datasets: [{ label: what, data: scales, backgroundColor: seriesColor(2) }] },
      options: { plugins: { legend: { display: false } }, scales: { x: { title: { display: true, text: axis } } } },
    });
  }
}
