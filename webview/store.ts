import type { AnalysisProgress, SkippedTensor, TensorResult } from '../src/shared/analysisTypes';
import { assertNever } from '../src/shared/assertNever';
import type { TensorRole } from '../src/shared/layerGroups';
import type { SchemeSelection } from '../src/shared/schemeSelection';
import type { AnalysisOutcome, ChannelStats, HostToWebview, InspectorTab, PanelError, PanelInit } from '../src/shared/webviewProtocol';

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
};

export type AnalysisStatus = 'idle' | 'running' | AnalysisOutcome;

export interface AnalysisView {
  status: AnalysisStatus;
  selection: SchemeSelection | null;
  tensorsTotal: number;
  /** In arrival order. */
  results: TensorResult[];
  byName: Map<string, TensorResult>;
  progress: AnalysisProgress | null;
  elapsedMs: number;
  skipped: readonly SkippedTensor[];
  error: PanelError | null;
}

function emptyAnalysis(): AnalysisView {
  return { status: 'idle', selection: null, tensorsTotal: 0, results: [], byName: new Map(), progress: null, elapsedMs: 0, skipped: [], error: null };
}

/** The app's whole state; `dataVersion` changes whenever results arrive, so views can skip work. */
export class Store {
  init: PanelInit | null = null;
  analysis: AnalysisView = emptyAnalysis();
  ui: UiState;
  channelStats = new Map<string, ChannelStats | string>();
  dataVersion = 0;
  private readonly listeners: (() => void)[] = [];

  constructor(saved: Partial<UiState> | undefined) {
    this.ui = { ...DEFAULT_UI, ...saved };
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
        this.ui = { ...this.ui, selection: m.selection };
        break;
      case 'tensorResults':
        for (const r of m.results) {
          if (!this.analysis.byName.has(r.name)) this.analysis.results.push(r);
          else this.analysis.results = this.analysis.results.map((x) => (x.name === r.name ? r : x));
          this.analysis.byName.set(r.name, r);
        }
        break;
      case 'progress':
        this.analysis.progress = m.progress;
        this.analysis.elapsedMs = m.elapsedMs;
        break;
      case 'analysisFinished':
        this.analysis.status = m.outcome;
        this.analysis.skipped = m.skipped;
        this.analysis.error = m.error;
        break;
      case 'channelStats':
        this.channelStats.set(m.tensor, m.stats ?? m.error ?? 'unavailable');
        break;
      case 'showTab':
        this.ui = { ...this.ui, tab: m.tab };
        break;
      default:
        assertNever(m);
    }
    this.dataVersion++;
    this.changed();
  }
}
