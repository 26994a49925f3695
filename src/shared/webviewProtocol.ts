/**
 * Every message between the extension host and the inspector webview (and the offline HTML
 * report, which replays the same host messages from embedded data).
 */
import type { AnalysisProgress, Histogram, ModelSummary, SkippedTensor, TensorResult } from './analysisTypes';
import type { PanelError } from './panelError';
import type { CalibHostToWebview, CalibRendered, CalibWebviewToHost } from './calibPanelProtocol';
import type { TensorEstimate } from './estimateTypes';
import type { PlanHostToWebview, PlanRendered, PlanWebviewToHost } from './planPanelProtocol';
import type { SchemeSelection } from './schemeSelection';

/** The panel's tabs in strip order; each has its view in the webview's tab table (webview/tabs.ts). */
export const INSPECTOR_TABS = ['overview', 'layers', 'tensor', 'compare', 'plan', 'calibration', 'ptq'] as const;
export type InspectorTab = (typeof INSPECTOR_TABS)[number];

export type ExportFormat = 'csv' | 'json' | 'markdown' | 'html';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'markdown', 'html'];

/** A failure shown in place of (or above) the panel's content (defined in panelError.ts, which the tab protocols import without a cycle). */
export type { PanelError };

/** Where the app runs: a live panel, or a saved report that cannot analyse again. */
export type AppMode = 'panel' | 'report';

export interface PanelInit {
  readonly mode: AppMode;
  readonly fileName: string;
  readonly filePath: string;
  readonly quantlensVersion: string;
  /** null when the file could not be read: `error` says why. */
  readonly summary: ModelSummary | null;
  readonly error: PanelError | null;
  /** The picker's initial choice (settings, or the last analysis of this file). */
  readonly selection: SchemeSelection;
  /** An ONNX model in a live panel: the Calibration and PTQ tabs are offered. */
  readonly runnable: boolean;
}

export type AnalysisOutcome = 'done' | 'cancelled' | 'failed';

/** Per-channel rows of `[shape[0], rest]`, or groups of `groupSize` along the last axis (CLI.md). */
export interface BlockRequest {
  readonly tensor: string;
  readonly granularity: 'channel' | 'group';
  /** null for channel. */
  readonly groupSize: number | null;
}

/**
 * Per block: absmax (symmetric scales follow from it) and max − min (asymmetric ones). With more
 * blocks than a chart can draw, each entry pools `pooled` consecutive blocks by their largest value.
 */
export interface BlockStats extends BlockRequest {
  readonly blocks: number;
  readonly pooled: number;
  readonly absMax: readonly number[];
  readonly span: readonly number[];
}

export function blockKey(r: BlockRequest): string {
  return `${r.tensor}\u0000${r.granularity}\u0000${r.groupSize ?? ''}`;
}

/** The Tensor tab's charts of one tensor under one analysed configuration (its configLabel), computed on demand. */
export interface HistogramRequest {
  readonly tensor: string;
  readonly config: string;
}

/** The weights' histogram, the dequantized values' and the error's (each over its own range). */
export interface TensorHistograms {
  readonly values: Histogram;
  readonly dequantized: Histogram;
  readonly error: Histogram;
}

export function histogramKey(r: HistogramRequest): string {
  return `${r.tensor}\u0000${r.config}`;
}

export type HostToWebview =
  | { readonly type: 'init'; readonly init: PanelInit }
  | { readonly type: 'analysisStarted'; readonly selection: SchemeSelection; readonly tensorsTotal: number }
  | { readonly type: 'tensorResults'; readonly results: readonly TensorResult[] }
  /** First estimates from a sample of each tensor, shown until its exact result arrives. */
  | { readonly type: 'tensorEstimates'; readonly estimates: readonly TensorEstimate[] }
  | { readonly type: 'progress'; readonly progress: AnalysisProgress; readonly elapsedMs: number }
  | {
      readonly type: 'analysisFinished';
      readonly outcome: AnalysisOutcome;
      readonly skipped: readonly SkippedTensor[];
      readonly error: PanelError | null;
    }
  | { readonly type: 'blockStats'; readonly request: BlockRequest; readonly stats: BlockStats | null; readonly error: string | null }
  | { readonly type: 'tensorHistograms'; readonly request: HistogramRequest; readonly histograms: TensorHistograms | null; readonly error: string | null }
  /** `tensor` also selects that tensor (for the Tensor tab). */
  | { readonly type: 'showTab'; readonly tab: InspectorTab; readonly tensor?: string }
  | CalibHostToWebview
  | PlanHostToWebview;

/** What the webview reports it shows, so host tests can check the DOM was filled. */
export interface RenderedView {
  readonly tab: InspectorTab;
  readonly tensorsListed: number;
  readonly resultRows: number;
  readonly selectedTensor: string | null;
  readonly chartsDrawn: number;
  /** The failed analysis's error line shown above the tabs, null when none is. */
  readonly analysisError: string | null;
  /** The Tensor tab's extras: range methods drawn as threshold lines, and which per-block chart is shown. */
  readonly tensorView: { readonly rangeMethods: readonly string[]; readonly blockChart: 'channel' | 'group' | null };
  readonly calib: CalibRendered;
  readonly plan: PlanRendered;
}

export type WebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'analyze'; readonly selection: SchemeSelection }
  | { readonly type: 'cancel' }
  | { readonly type: 'export'; readonly format: ExportFormat | null }
  | { readonly type: 'reopenWithDefault' }
  | { readonly type: 'requestBlockStats'; readonly request: BlockRequest }
  /** The Tensor tab shows this tensor and configuration: its histograms (a newer request supersedes an unfinished one). */
  | { readonly type: 'requestHistograms'; readonly request: HistogramRequest }
  | { readonly type: 'rendered'; readonly view: RenderedView }
  | CalibWebviewToHost
  | PlanWebviewToHost;
