import type { Granularity } from '../src/shared/analysisTypes';
import type { PtqSettings } from '../src/shared/calibPanelProtocol';
import type { PtqReport, PtqRun } from '../src/shared/calibTypes';
import { SELECTABLE_BITS } from '../src/shared/schemeSelection';
import { el } from './dom';
import { formatDb, formatPct } from './format';
import { errorLine, jobControls, jobPlaceholder, selectField } from './jobStatus';
import { JobView } from './jobView';
import { cssVar, seriesColor } from './theme';
import type { ViewContext, ViewReport } from './view';

/** Weight granularities the toolbar offers (per group needs a size: use the CLI for it). */
const WEIGHT_GRANULARITIES: readonly Granularity[] = ['tensor', 'channel'];
/** Activation choices: none, or QuantizeLinear types with a range method (CLI.md `--activations`). */
const ACTIVATION_CHOICES = ['none', 'uint8', 'uint8:entropy', 'uint8:percentile:99.99', 'int8'] as const;
const MODE_SHORT: Record<string, string> = { symmetric: 'sym', asymmetric: 'asym' };

/** `int8:symmetric:tensor` -> `int8 sym tensor`. */
function shortConfig(config: string): string {
  return config.split(':').map((p) => MODE_SHORT[p] ?? p).join(' ');
}

export function runLabel(run: PtqRun): string {
  const w = run.weights ? `W ${shortConfig(run.weights)}` : '';
  const a = run.activations ? `A ${shortConfig(run.activations)}` : '';
  return [w, a].filter((s) => s !== '').join(' + ');
}

function weightBits(config: string): number {
  return Number(/^int(\d)/.exec(config)?.[1] ?? 0);
}

function settingsFrom(bits: readonly number[], granularity: Granularity, activations: readonly string[]): PtqSettings {
  return { weights: [...bits].sort((a, b) => b - a).map((b) => `int${b}:symmetric:${granularity}`), activations };
}

/** PTQ tab: accuracy of the float model against fake-quantized variants, agreement, output and per-layer SQNR. */
export class PtqView extends JobView {
  private runsShown = 0;

  constructor(context: ViewContext) {
    super('ptq', context);
  }

  report(): ViewReport {
    return { calib: { ptqRuns: this.runsShown, ptqError: this.body.querySelector('#ptq-error')?.textContent ?? null } };
  }

  protected toolbarInputs(): unknown {
    const { ptq, ui } = this.store;
    return [ptq.status, ptq.progress, ptq.dataLabel, ui.ptqSettings];
  }

  protected bodyInputs(): unknown {
    const { ptq } = this.store;
    return [ptq.status, ptq.report?.elapsedMs, ptq.error];
  }

  protected renderToolbar(): void {
    const { ptq, ui } = this.store;
    const running = ptq.status === 'running';
    const settings = ui.ptqSettings;
    const bits = settings.weights.map(weightBits);
    const granularity = (settings.weights[0]?.split(':')[2] as Granularity | undefined) ?? 'tensor';
    const activation = settings.activations[0] ?? 'none';
    const set = (next: PtqSettings): void => this.store.setUi({ ptqSettings: next });
    const chips = SELECTABLE_BITS.map((b) => {
      const on = bits.includes(b);
      return el('button', {
        class: `chip${on ? ' on' : ''}`, text: `W INT${b}`,
        attrs: { type: 'button', 'aria-pressed': on ? 'true' : 'false', disabled: running, 'data-chip': `ptq-int${b}`, title: `Weights fake-quantized to ${b}-bit symmetric integers` },
        on: { click: () => set(settingsFrom(on ? bits.filter((x) => x !== b) : [...bits, b], granularity, settings.activations)) },
      });
    });
    this.toolbar.replaceChildren(
      el('div', { class: 'chips', attrs: { role: 'group', 'aria-label': 'Weight bit widths' } }, chips),
      selectField<Granularity>('ptq-granularity', 'weights per', WEIGHT_GRANULARITIES, granularity, (g) => set(settingsFrom(bits, g, settings.activations)), running),
      selectField<string>('ptq-activations', 'activations', ACTIVATION_CHOICES, activation, (a) => set(settingsFrom(bits, granularity, a === 'none' ? [] : [a])), running),
      ...jobControls(ptq,
        {
          id: 'simulate-ptq', text: 'Simulate PTQ…', title: 'Pick labelled test data (.npz with x and y) and evaluate every configuration',
          disabled: settings.weights.length + settings.activations.length === 0, post: () => this.host.post({ type: 'simulatePtq', settings }),
        },
        { id: 'cancel-ptq', post: () => this.host.post({ type: 'cancelPtq' }) },
        { id: 'ptq-progress', progress: (p) => `${p.runsDone} / ${p.runsTotal} runs`, idle: 'Press Simulate PTQ… and pick labelled test data' }),
    );
  }

  protected renderBody(): void {
    const { ptq } = this.store;
    const error = errorLine('ptq-error', ptq);
    const report = ptq.report;
    if (!report) {
      this.runsShown = 0;
      this.body.replaceChildren(...jobPlaceholder(ptq, error, {
        running: 'Evaluating the float model, then each quantized variant…',
        idle: 'PTQ simulation runs the float model and fake-quantized copies (weights, and activations with calibrated ranges) on labelled data, and compares their accuracy.',
      }));
      return;
    }
    this.runsShown = report.runs.length;
    const layered = report.runs.filter((r) => (r.layers?.length ?? 0) > 0);
    this.body.replaceChildren(
      ...(error ? [error] : []),
      el('p', { class: 'fact', attrs: { id: 'ptq-summary' }, text: `${report.samples} samples, output ${report.output}, ${report.weightTensors.length} weight tensors quantized (${report.weightTensors.join(', ')}); ${report.convention} formulas` }),
      ...report.notes.map((n) => el('p', { class: 'fact', text: n })),
      this.runsTable(report),
      el('div', { class: 'chart-grid' }, [this.accuracyChart(report), this.agreementChart(report)]),
      ...(layered.length > 0 ? [this.layersChart(layered)] : []),
    );
  }

  private runsTable(report: PtqReport): HTMLElement {
    const head = ['configuration', 'accuracy', 'Δ vs float', 'agreement', 'output SQNR'];
    const floatAcc = report.float.accuracy;
    const acc = (a: number | null): string => (a === null ? '–' : formatPct(a));
    const delta = (a: number | null): string => (a === null || floatAcc === null ? '–' : `${a - floatAcc >= 0 ? '+' : ''}${(a - floatAcc).toFixed(1)} pt`);
    const rows: string[][] = [
      ['float (original)', acc(floatAcc), '', '100 %', 'exact'],
      ...report.runs.map((r) => [runLabel(r), acc(r.accuracy), delta(r.accuracy), formatPct(r.agreement), formatDb(r.outputSqnrDb)]),
    ];
    return el('table', { class: 'data', attrs: { id: 'ptq-table' } }, [
      el('caption', { text: 'Accuracy: top-1 against the labels; agreement: top-1 equal to the float model\'s; output SQNR of the first output against the float model\'s' }),
      el('thead', {}, [el('tr', {}, head.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))]),
      el('tbody', {}, rows.map((cells, i) => el('tr', { attrs: { 'data-run': i === 0 ? 'float' : cells[0] } }, cells.map((c, j) => el(j === 0 ? 'th' : 'td', { text: c, class: j === 0 ? '' : 'num', attrs: j === 0 ? { scope: 'row' } : {} }))))),
    ]);
  }

  /** The notebook's original-vs-quantized comparison: one bar per configuration, the float model first. */
  private accuracyChart(report: PtqReport): HTMLElement {
    const labels = ['float', ...report.runs.map(runLabel)];
    const data = [report.float.accuracy, ...report.runs.map((r) => r.accuracy)];
    const floatColor = cssVar('--vscode-foreground');
    return this.charts.add('ptq-accuracy-chart', 'Accuracy: original vs quantized', 'Top-1 accuracy on the labelled data, percent; the first bar is the float model', {
      type: 'bar',
      data: { labels, datasets: [{ label: 'accuracy (%)', data, backgroundColor: labels.map((_, i) => (i === 0 ? floatColor : seriesColor(0))) }] },
      options: { plugins: { legend: { display: false } }, scales: { y: { min: 0, max: 100, title: { display: true, text: 'accuracy (%)' } } } },
    });
  }

  /** Beyond accuracy: how often the quantized model agrees with the float one, and how close its output is. */
  private agreementChart(report: PtqReport): HTMLElement {
    const labels = report.runs.map(runLabel);
    return this.charts.add('ptq-agreement-chart', 'Agreement and output SQNR', 'Bars: share of samples whose top-1 class equals the float model\'s (%, left axis) and SQNR of the output against the float output (dB, right axis)', {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'agreement (%)', data: report.runs.map((r) => r.agreement), backgroundColor: seriesColor(2), yAxisID: 'y' },
          { label: 'output SQNR (dB)', data: report.runs.map((r) => r.outputSqnrDb), backgroundColor: seriesColor(3), yAxisID: 'y1' },
        ],
      },
      options: {
        plugins: { legend: { position: 'bottom' } },
        scales: {
          y: { min: 0, max: 100, position: 'left', title: { display: true, text: 'agreement (%)' } },
          y1: { position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'SQNR (dB)' } },
        },
      },
    });
  }

  /** Per activation, its SQNR against the float model's in each weights+activations run: where the error enters. */
  private layersChart(runs: readonly PtqRun[]): HTMLElement {
    const names = [...new Set(runs.flatMap((r) => (r.layers ?? []).map((l) => l.name)))];
    const ops = new Map(runs.flatMap((r) => (r.layers ?? []).map((l) => [l.name, l.op] as const)));
    return this.charts.add('ptq-layers-chart', 'Per-layer output SQNR', 'SQNR of each quantized activation against the float model\'s, one bar per run with quantized activations; a drop between layers shows where the error enters', {
      type: 'bar',
      data: {
        labels: names.map((n) => `${n} (${ops.get(n) ?? ''})`),
        datasets: runs.map((r, i) => ({
          label: runLabel(r),
          data: names.map((n) => r.layers?.find((l) => l.name === n)?.sqnrDb ?? null),
          backgroundColor: seriesColor(i),
        })),
      },
      options: { indexAxis: 'y', plugins: { legend: { position: 'bottom' } }, scales: { x: { title: { display: true, text: 'SQNR (dB)' } } } },
    });
  }
}
