import type { AnalysisProgress, RangeMethod, SkippedTensor, TensorResult } from '../src/shared/analysisTypes';
import { assertNever } from '../src/shared/assertNever';
import type { TensorEstimate } from '../src/shared/estimateTypes';
import {
  DEFAULT_CALIB_SETTINGS, DEFAULT_PTQ_SETTINGS, IDLE_JOB,
  type CalibrationState, type CalibSettings, type CalibTableFormat, type PtqSettings, type PtqState,
} from '../src/shared/calibPanelProtocol';
import type { TensorRole } from '../src/shared/layerGroups';
import { IDLE_PLAN, type PlanPanelState, type PlanSettings } from '../src/shared/planPanelProtocol';
import type { SchemeSelection } from '../src/shared/schemeSelection';
import {
  blockKey, histogramKey,
  type AnalysisOutcome, type BlockStats, type HostToWebview, type InspectorTab, type PanelError, type PanelInit, type TensorHistograms,
} from '../src/shared/webviewProtocol';

export type SortDir = 1 | -1;
export interface SortState {
  readonly key: string;
  readonly dir: SortDir;
}

/** What the user chose in the panel; kept across hide/show with setState. */
export interface UiState {
  tab: InspectorTab;
  selectedTensor: string | null;
  layersSort: SortState;
  layersFilter: string;
  layersRole: TensorRole | 'all';
  tensorsFilter: string;
  tensorsSort: SortState;
  configKey: string | null;
  logScale: boolean;
  compareMetric: 'sqnr' | 'mse';
  /** The picker's current (perhaps not yet analysed) choice. */
  selection: SchemeSelection | null;
  activationSort: SortState;
  selectedActivation: string | null;
  calibSettings: CalibSettings;
  calibExportFormat: CalibTableFormat;
  /** null: the calibration's first method. */
  calibExportMethod: RangeMethod | null;
  ptqSettings: PtqSettings;
  /** The Plan tab's last choice (null: the host's defaults for the model). */
  planSettings: PlanSettings | null;
  planSort: SortState;
  /** Only the tensors whose type differs from the reference preset's. */
  planDiff: boolean;
}

export const DEFAULT_UI: UiState = {
  tab: 'overview',
  selectedTensor: null,
  layersSort: { key: 'order', dir: 1 },
  layersFilter: '',
  layersRole: 'all',
  tensorsFilter: '',
  tensorsSort: { key: 'name', dir: 1 },
  configKey: null,
  logScale: false,
  compareMetric: 'sqnr',
  selection: null,
  activationSort: { key: 'order', dir: 1 },
  selectedActivation: null,
  calibSettings: DEFAULT_CALIB_SETTINGS,
  calibExportFormat: 'json',
  calibExportMethod: null,
  ptqSettings: DEFAULT_PTQ_SETTINGS,
  planSettings: null,
  planSort: { key: 'order', dir: 1 },
  planDiff: false,
};

export type AnalysisStatus = 'idle' | 'running' | AnalysisOutcome;

export interface AnalysisView {
  status: AnalysisStatus;
  selection: SchemeSelection | null;
  tensorsTotal: number;
  /** In arrival order. */
  results: TensorResult[];
  byName: Map<string, TensorResult>;
  /** First estimates by tensor name (progressive), shown where no exact result has arrived yet. */
  estimates: Map<string, TensorEstimate>;
  progress: AnalysisProgress | null;
  elapsedMs: number;
  skipped: readonly SkippedTensor[];
  error: PanelError | null;
}

function emptyAnalysis(): AnalysisView {
  return { status: 'idle', selection: null, tensorsTotal: 0, results: [], byName: new Map(), estimates: new Map(), progress: null, elapsedMs: 0, skipped: [], error: null };
}

/** The app's whole state; `dataVersion` changes whenever results arrive, so views can skip work. */
export class Store {
  init: PanelInit | null = null;
  analysis: AnalysisView = emptyAnalysis();
  ui: UiState;
  /** Per-channel / per-group ranges by blockKey(): the stats, or why there are none. */
  blockStats = new Map<string, BlockStats | string>();
  /** The Tensor tab's histograms by histogramKey() (asked for on demand, for the analysis shown): the histograms, or why there are none. */
  histograms = new Map<string, TensorHistograms | string>();
  calibration: CalibrationState = IDLE_JOB;
  ptq: PtqState = IDLE_JOB;
  plan: PlanPanelState = IDLE_PLAN;
  dataVersion = 0;
  private readonly listeners: (() => void)[] = [];

  constructor(saved: Partial<UiState> | undefined) {
    // A selection saved by an older version (one `range`) is dropped: the host's init supplies one.
    const selection = saved?.selection && Array.isArray(saved.selection.ranges) ? saved.selection : null;
    this.ui = { ...DEFAULT_UI, ...saved, selection };
  }

  subscribe(listener: () => void): void {
    this.listeners.push(listener);
  }

  changed(): void {
    for (const l of this.listeners) l();
  }

  setUi(patch: Partial<UiState>): void {
    this.ui = { ...this.ui, ...patch };
    this.changed();
  }

  apply(m: HostToWebview): void {
    switch (m.type) {
      case 'init':
        this.init = m.init;
        this.analysis = emptyAnalysis();
        if (!this.ui.selection) this.ui = { ...this.ui, selection: m.init.selection };
        break;
      case 'analysisStarted':
        this.analysis = { ...emptyAnalysis(), status: 'running', selection: m.selection, tensorsTotal: m.tensorsTotal };
        this.histograms = new Map();
        this.ui = { ...this.ui, selection: m.selection };
        break;
      case 'tensorResults':
        for (const r of m.results) {
          if (!this.analysis.byName.has(r.name)) this.analysis.results.push(r);
          else this.analysis.results = this.analysis.results.map((x) => (x.name === r.name ? r : x));
          this.analysis.byName.set(r.name, r);
        }
        break;
      case 'tensorEstimates':
        this.analysis.estimates = new Map(m.estimates.map((e) => [e.name, e]));
        break;
      case 'progress':
        this.analysis.progress = m.progress;
        this.analysis.elapsedMs = m.elapsedMs;
        break;
      case 'analysisFinished':
        this.analysis.status = m.outcome;
        this.analysis.skipped = m.skipped;
        this.analysis.error = m.error;
        // A failed run has no report and may have read a file that changed under it: no partial rows.
        if (m.outcome === 'failed') {
          this.analysis.results = [];
          this.analysis.byName = new Map();
          this.analysis.estimates = new Map();
        }
        break;
      case 'blockStats':
        this.blockStats.set(blockKey(m.request), m.stats ?? m.error ?? 'unavailable');
        break;
      case 'tensorHistograms':
        this.histograms.set(histogramKey(m.request), m.histograms ?? m.error ?? 'unavailable');
        break;
      case 'showTab':
        this.ui = { ...this.ui, tab: m.tab, ...(m.tensor !== undefined ? { selectedTensor: m.tensor } : {}) };
        break;
      case 'calibrationState':
        this.calibration = m.state;
        break;
      case 'ptqState':
        this.ptq = m.state;
        break;
      case 'planState':
        this.plan = m.state;
        if (m.state.settings) this.ui = { ...this.ui, planSettings: m.state.settings };
        break;
      default:
        assertNever(m);
    }
    this.dataVersion++;
    this.changed();
  }
}
