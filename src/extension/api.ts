import type * as vscode from 'vscode';
import type { AnalysisReport, ModelSummary, TensorResult } from '../shared/analysisTypes';
import type { CalibrationState, PtqState } from '../shared/calibPanelProtocol';
import type { PlanPanelState } from '../shared/planPanelProtocol';
import type { SchemeSelection } from '../shared/schemeSelection';
import type { CompareProgress, CompareRendered, CompareSetup, CompareStatus } from '../shared/comparePanelProtocol';
import type { CompareOutcome } from '../shared/compareTypes';
import type { PanelError, RenderedView } from '../shared/webviewProtocol';
import type { ComparePanels } from './comparePanels';
import type { AnalysisStatus } from './documentAnalysis';
import type { RefusedMessages } from './messages/refusedMessages';
import type { PanelRegistry } from './panelRegistry';

/** One open inspector as the tests (and other extensions) see it. */
export interface InspectorSnapshot {
  readonly uri: string;
  readonly viewType: string;
  readonly active: boolean;
  readonly summary: ModelSummary | null;
  readonly error: PanelError | null;
  readonly status: AnalysisStatus;
  readonly selection: SchemeSelection | null;
  readonly results: readonly TensorResult[];
  readonly report: AnalysisReport | null;
  readonly analysisError: PanelError | null;
  /** What the webview last reported it renders; null until its app has drawn once. */
  readonly rendered: RenderedView | null;
  /** ONNX models only (null otherwise): the last calibration and PTQ runs. */
  readonly calibration: CalibrationState | null;
  readonly ptq: PtqState | null;
  /** The Plan tab's state as the host last sent it to the panel. */
  readonly plan: PlanPanelState;
}

/** One open Compare (two files) panel. */
export interface ComparisonSnapshot {
  readonly setup: CompareSetup;
  readonly active: boolean;
  readonly status: CompareStatus;
  readonly progress: CompareProgress | null;
  readonly result: CompareOutcome | null;
  readonly error: PanelError | null;
  /** What the webview last reported it renders; null until its app has drawn once. */
  readonly rendered: CompareRendered | null;
}

/** For host tests: what a webview could send, without a webview. */
export interface QuantLensTestHooks {
  /** Hands `message` to the open inspector of `uri` as if its webview posted it; false when it was refused (or no such inspector). */
  postFromWebview(uri: string, message: unknown): boolean;
  /** The latest lines written for refused webview messages, oldest first. */
  refusedMessages(): readonly string[];
}

/** Returned by activate(): read-only views of the open inspectors and comparisons, and an event when any changes. */
export interface QuantLensApi {
  readonly onDidChange: vscode.Event<void>;
  inspectors(): InspectorSnapshot[];
  comparisons(): ComparisonSnapshot[];
  readonly testHooks: QuantLensTestHooks;
}

export function createApi(registry: PanelRegistry, comparePanels: ComparePanels, refused: RefusedMessages): QuantLensApi {
  return {
    testHooks: {
      postFromWebview: (uri, message) => registry.all().find((p) => p.document.uri.toString() === uri)?.receive(message) ?? false,
      refusedMessages: () => refused.recent(),
    },
    onDidChange: (listener, thisArgs, disposables) => {
      const subs = [registry.onDidChange(listener, thisArgs), comparePanels.onDidChange(listener, thisArgs)];
      const both = { dispose: () => subs.forEach((d) => d.dispose()) };
      disposables?.push(both);
      return both;
    },
    comparisons: () =>
      comparePanels.all().map((p) => ({
        setup: p.setup,
        active: p === comparePanels.active(),
        status: p.run.status,
        progress: p.run.progress,
        result: p.run.result,
        error: p.run.error,
        rendered: p.rendered,
      })),
    inspectors: () =>
      registry.all().map((p) => {
        const a = p.document.analysis;
        return {
          uri: p.document.uri.toString(),
          viewType: p.webviewPanel.viewType,
          active: p === registry.active(),
          summary: p.document.summary,
          error: p.document.error,
          status: a.status,
          selection: a.selection,
          results: a.results,
          report: a.report,
          analysisError: a.error,
          rendered: p.rendered,
          calibration: p.document.calib?.calibration.state ?? null,
          ptq: p.document.calib?.ptq.state ?? null,
          plan: p.document.plan.state,
        };
      }),
  };
}
