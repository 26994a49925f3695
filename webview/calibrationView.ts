import type { Convention, IntMode } from '../src/shared/analysisTypes';
import { CALIB_TABLE_FORMATS, type CalibTableFormat } from '../src/shared/calibPanelProtocol';
import type { ActivationReport, CalibrationReport } from '../src/shared/calibTypes';
import { CONVENTIONS, INT_MODES } from '../src/shared/vocab/intSchemes';
import { verticalLines, type VerticalLine } from './charts';
import { el } from './dom';
import { formatCount, formatNumber, formatShape } from './format';
import { errorLine, jobControls, jobPlaceholder, selectField } from './jobStatus';
import { JobView } from './jobView';
import { histogramPoints } from './quantLevels';
import type { SortState } from './store';
import { cssVar, seriesColor, withAlpha } from './theme';
import type { ViewContext, ViewReport } from './view';
import { VirtualTable, type Column } from './virtualTable';

const FILL_ALPHA = 0.35;
/** CLI.md `--bits` for calibrate: 2..8. */
const CALIB_BITS = [8, 7, 6, 5, 4, 3, 2];
/** Method lines take the chart colours after the histogram's. */
const METHOD_COLOR_OFFSET = 1;
const FORMAT_LABELS: Record<CalibTableFormat, string> = {
  json: 'JSON report', ort: 'ORT calibration.cache', 'ort-json': 'ORT calibration.json', tensorrt: 'TensorRT cache',
};

interface ActivationRow {
  readonly order: number;
  readonly a: ActivationReport;
}

function columns(methods: readonly string[]): Column<ActivationRow>[] {
  return [
    { key: 'name', title: 'Activation', tooltip: 'The node output (tensor name in the graph)', width: { min: 180, share: 3 }, cell: (r) => r.a.name },
    { key: 'op', title: 'Op', tooltip: 'The node that produces it', width: 72, cell: (r) => r.a.op },
    { key: 'min', title: 'Min', tooltip: 'Smallest value observed over the calibration data', numeric: true, width: 72, cell: (r) => formatNumber(r.a.min) },
    { key: 'max', title: 'Max', tooltip: 'Largest value observed', numeric: true, width: 72, cell: (r) => formatNumber(r.a.max) },
    ...methods.flatMap((m): Column<ActivationRow>[] => [
      { key: `scale:${m}`, title: m, tooltip: `${m}: scale of the range it picks`, numeric: true, width: 112, cell: (r) => formatNumber(r.a.methods[m]?.scale) },
      { key: `zp:${m}`, title: 'zp', tooltip: `${m}: zero point of the range it picks`, numeric: true, width: 44, cell: (r) => String(r.a.methods[m]?.zeroPoint ?? '–') },
    ]),
  ];
}

/**
 * Each method's range ends as dashed lines, labelled with method and value. Methods that pick the
 * same value (every method's minimum of a ReLU output is 0) share one label, in the text colour.
 */
function thresholdLines(methods: readonly { method: string; color: string; ends: readonly number[] }[]): VerticalLine[] {
  const namesAt = new Map<number, string[]>();
  for (const m of methods) {
    for (const x of m.ends) {
      const names = namesAt.get(x) ?? [];
      if (!names.includes(m.method)) namesAt.set(x, [...names, m.method]);
    }
  }
  const labelled = new Set<number>();
  return methods.flatMap((m) => m.ends.map((x): VerticalLine => {
    const names = namesAt.get(x) ?? [];
    if (labelled.has(x)) return { x, color: m.color, dash: [4, 3] };
    labelled.add(x);
    const labelColor = names.length > 1 ? cssVar('--vscode-foreground') : undefined;
    return { x, color: m.color, dash: [4, 3], label: `${names.join(', ')} ${formatNumber(x)}`, labelColor };
  }));
}

function sortValue(row: ActivationRow, key: string): number | string {
  const [what, method] = key.split(/:(.*)/s) as [string, string | undefined];
  if (method !== undefined) {
    const q = row.a.methods[method];
    return what === 'scale' ? q?.scale ?? 0 : q?.zeroPoint ?? 0;
  }
  if (key === 'name') return row.a.name;
  if (key === 'op') return row.a.op;
  if (key === 'min') return row.a.min;
  if (key === 'max') return row.a.max;
  return row.order;
}

function sortRows(rows: ActivationRow[], sort: SortState): ActivationRow[] {
  return rows.sort((x, y) => {
    const a = sortValue(x, sort.key);
    const b = sortValue(y, sort.key);
    const c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true });
    return sort.dir * c;
  });
}

/** Calibration tab: run the model on data, every activation's range and each method's qparams, histograms with thresholds. */
export class CalibrationView extends JobView {
  private table: VirtualTable<ActivationRow> | null = null;
  private tableMethods = '';
  private rowsShown = 0;

  constructor(context: ViewContext) {
    super('calibration', context);
  }

  report(): ViewReport {
    return { calib: { activationRows: this.rowsShown, selectedActivation: this.selected(), calibrationError: this.body.querySelector('#calib-error')?.textContent ?? null } };
  }

  /** The activation whose histogram is shown: the user's pick, else the first. */
  private selected(): string | null {
    const report = this.store.calibration.report;
    const picked = this.store.ui.selectedActivation;
    if (!report) return null;
    return report.activations.some((a) => a.name === picked) ? picked : report.activations[0]?.name ?? null;
  }

  protected toolbarInputs(): unknown {
    const { calibration, ui } = this.store;
    return [calibration.status, calibration.progress, calibration.dataLabel, ui.calibSettings, ui.calibExportFormat, ui.calibExportMethod, calibration.report?.methods];
  }

  protected bodyInputs(): unknown {
    const { calibration, ui } = this.store;
    return [calibration.status, calibration.report?.elapsedMs, calibration.error, this.selected(), ui.activationSort, ui.logScale];
  }

  protected renderToolbar(): void {
    const { calibration, ui } = this.store;
    const running = calibration.status === 'running';
    const settings = ui.calibSettings;
    const set = (patch: Partial<typeof settings>): void => this.store.setUi({ calibSettings: { ...settings, ...patch } });
    const report = calibration.report;
    const method = report && ui.calibExportMethod && report.methods.includes(ui.calibExportMethod) ? ui.calibExportMethod : report?.methods[0] ?? '';
    const exportControls = report ? [
      selectField<CalibTableFormat>('calib-export-format', 'table', CALIB_TABLE_FORMATS, ui.calibExportFormat, (calibExportFormat) => this.store.setUi({ calibExportFormat }), running, (f) => FORMAT_LABELS[f]),
      selectField('calib-export-method', 'method', report.methods, method, (calibExportMethod) => this.store.setUi({ calibExportMethod }), running || ui.calibExportFormat === 'json'),
      el('button', {
        text: 'Export…', attrs: { id: 'export-calibration', type: 'button', disabled: running, title: 'Save the calibration table (ORT and TensorRT tables carry the chosen method\'s ranges)' },
        on: { click: () => this.host.post({ type: 'exportCalibration', format: ui.calibExportFormat, method }) },
      }),
    ] : [];
    this.toolbar.replaceChildren(
      selectField('calib-bits', 'bits', CALIB_BITS, settings.bits, (bits) => set({ bits }), running),
      selectField<IntMode>('calib-mode', 'mode', INT_MODES, settings.mode, (mode) => set({ mode }), running),
      selectField<Convention>('calib-convention', 'convention', CONVENTIONS, settings.convention, (convention) => set({ convention }), running),
      ...jobControls(calibration,
        { id: 'calibrate', text: 'Calibrate…', title: 'Pick calibration inputs (.npy / .npz) and run the model over them', disabled: false, post: () => this.host.post({ type: 'calibrate', settings }) },
        { id: 'cancel-calibration', post: () => this.host.post({ type: 'cancelCalibration' }) },
        { id: 'calib-progress', progress: (p) => `${p.samplesDone} / ${p.samplesTotal} samples`, idle: 'Press Calibrate… and pick inputs shaped like the model\'s' }),
      ...exportControls,
    );
  }

  protected renderBody(): void {
    const { calibration } = this.store;
    const error = errorLine('calib-error', calibration);
    const report = calibration.report;
    if (!report) {
      this.rowsShown = 0;
      this.body.replaceChildren(...jobPlaceholder(calibration, error, {
        running: 'Running the model over the calibration batches…',
        idle: 'Calibration runs the model on sample inputs and records every activation\'s range; each range method then picks a clipping range and its scale and zero point.',
      }));
      return;
    }
    const table = this.activationsTable(report);
    const selected = report.activations.find((a) => a.name === this.selected());
    this.body.replaceChildren(
      ...(error ? [error] : []),
      el('p', { class: 'fact', attrs: { id: 'calib-summary' }, text: `${report.activations.length} activations over ${formatCount(report.samples)} samples in ${report.batches} batches (${report.inputs.map((i) => `${i.name} ← ${i.source}`).join(', ')}); ${report.bits}-bit ${report.mode}, ${report.convention} formulas` }),
      ...report.notes.map((n) => el('p', { class: 'fact', text: n })),
      el('p', { class: 'table-caption', text: 'Scale and zero point per range method; Enter or double-click a row shows its histogram' }),
      table.root,
      ...(selected ? [this.histogram(selected, report)] : []),
    );
  }

  private activationsTable(report: CalibrationReport): VirtualTable<ActivationRow> {
    const methodsKey = report.methods.join('\u0000');
    if (!this.table || methodsKey !== this.tableMethods) {
      const cols = columns(report.methods);
      this.table = new VirtualTable<ActivationRow>({
        id: 'activations-table', label: 'Activation ranges and each method\'s qparams (Enter shows the histogram)', columns: cols,
        rowKey: (r) => r.a.name,
        onSort: (activationSort) => this.store.setUi({ activationSort }),
        onOpen: (r) => this.store.setUi({ selectedActivation: r.a.name }),
      });
      this.table.root.classList.add('activations');
      this.tableMethods = methodsKey;
    }
    const rows = sortRows(report.activations.map((a, order) => ({ order, a })), this.store.ui.activationSort);
    this.table.setRows(rows, this.store.ui.activationSort);
    this.rowsShown = rows.length;
    return this.table;
  }

  /** The activation's observed values with every method's clipping range as labelled lines. */
  private histogram(a: ActivationReport, report: CalibrationReport): HTMLElement {
    const log = this.store.ui.logScale;
    const color = seriesColor(0);
    const lines = thresholdLines(report.methods.flatMap((m, i) => {
      const q = a.methods[m];
      return q ? [{ method: m, color: seriesColor(i + METHOD_COLOR_OFFSET), ends: [q.min, q.max] }] : [];
    }));
    const logToggle = el('input', {
      attrs: { id: 'calib-log-scale', type: 'checkbox', checked: log },
      on: { change: () => this.store.setUi({ logScale: logToggle.checked }) },
    });
    const chart = this.charts.add('activation-chart', `Histogram of ${a.name} (${a.op}, ${formatShape(a.shape)})`, `Observed values over the calibration data; dashed lines: the range each method picks (${report.methods.join(', ')})`, {
      type: 'line',
      data: { datasets: [{ label: a.name, data: histogramPoints(a.histogram, log), borderColor: color, backgroundColor: withAlpha(color, FILL_ALPHA), fill: true, stepped: 'middle', pointRadius: 0, borderWidth: 1 }] },
      options: {
        parsing: false,
        scales: { x: { type: 'linear', title: { display: true, text: 'value' } }, y: { type: log ? 'logarithmic' : 'linear', title: { display: true, text: 'count' } } },
        plugins: { legend: { display: false } },
      },
      plugins: [verticalLines('methodLines', () => lines)],
    });
    return el('div', { class: 'activation-detail' }, [
      el('label', { class: 'field', attrs: { title: 'Logarithmic counts: the tails each method clips become visible' } }, [logToggle, el('span', { text: 'log scale' })]),
      chart,
    ]);
  }
}
