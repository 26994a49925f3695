/**
 * Every message between the extension host and the inspector webview (and the offline HTML
 * report, which replays the same host messages from embedded data).
 */
import type { AnalysisProgress, ModelSummary, SkippedTensor, TensorResult } from './analysisTypes';
import type { SchemeSelection } from './schemeSelection';

export type InspectorTab = 'overview' | 'layers' | 'tensor' | 'compare';
export const INSPECTOR_TABS: readonly InspectorTab[] = ['overview', 'layers', 'tensor', 'compare'];

export type ExportFormat = 'csv' | 'json' | 'markdown' | 'html';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'markdown', 'html'];

/** A failure shown in place of (or above) the panel's content. */
export interface PanelError {
  readonly message: string;
  readonly format?: string;
  /** Byte offset of the problem in a corrupt file. */
  readonly offset?: number;
}

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
}

export type AnalysisOutcome = 'done' | 'cancelled' | 'failed';

/** Min, max and absmax of each output channel (row of `[shape[0], rest]`). */
export interface ChannelStats {
  readonly tensor: string;
  readonly min: readonly number[];
  readonly max: readonly number[];
  readonly absMax: readonly number[];
}

export type HostToWebview =
  | { readonly type: 'init'; readonly init: PanelInit }
  | { readonly type: 'analysisStarted'; readonly selection: SchemeSelection; readonly tensorsTotal: number }
  | { readonly type: 'tensorResults'; readonly results: readonly TensorResult[] }
  | { readonly type: 'progress'; readonly progress: AnalysisProgress; readonly elapsedMs: number }
  | {
      readonly type: 'analysisFinished';
      readonly outcome: AnalysisOutcome;
      readonly skipped: readonly SkippedTensor[];
      readonly error: PanelError | null;
    }
  | { readonly type: 'channelStats'; readonly stats: ChannelStats | null; readonly tensor: string; readonly error: string | null }
  | { readonly type: 'showTab'; readonly tab: InspectorTab };

/** What the webview reports it shows, so host tests can check the DOM was filled. */
export interface RenderedView {
  readonly tab: InspectorTab;
  readonly tensorsListed: number;
  readonly resultRows: number;
  readonly selectedTensor: string | null;
  readonly chartsDrawn: number;
}

export type WebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'analyze'; readonly selection: SchemeSelection }
  | { readonly type: 'cancel' }
  | { readonly type: 'export'; readonly format: ExportFormat | null }
  | { readonly type: 'reopenWithDefault' }
  | { readonly type: 'requestChannelStats'; readonly tensor: string }
  | { readonly type: 'rendered'; readonly view: RenderedView };
