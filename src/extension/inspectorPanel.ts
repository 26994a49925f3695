import * as vscode from 'vscode';
import { assertNever } from '../shared/assertNever';
import { selectionProblem, type SchemeSelection } from '../shared/schemeSelection';
import type { RangeMethod } from '../shared/analysisTypes';
import type { CalibSettings, CalibTableFormat, PtqSettings } from '../shared/calibPanelProtocol';
import type { BlockRequest, ExportFormat, HistogramRequest, HostToWebview, InspectorTab, RenderedView, WebviewToHost } from '../shared/webviewProtocol';
import type { CalibWorkerScript } from '../worker/host/calibClient';
import { toPanelError } from './panelError';
import { INSPECTOR_VALIDATORS, type InspectorContext } from './messages/inspectorMessages';
import type { RefusedMessages } from './messages/refusedMessages';
import { validateMessage } from './messages/validateMessage';
import { savePlanExport } from './planExport';
import { pickPlanImatrix } from './planImatrixPicker';
import type { PoolClient } from './poolClient';
import { selectionFromSettings } from './settings';
import { inspectorHtml } from './webviewHtml';
import type { WeightDocument } from './weightDocument';

/**
 * What a panel tells the list of open panels (PanelRegistry): declared here, so the registry
 * depends on panels and panels not on the registry.
 */
export interface PanelTracker {
  add(panel: InspectorPanel): void;
  remove(panel: InspectorPanel): void;
  focus(panel: InspectorPanel): void;
  /** A panel's state changed (what it renders, a run started or ended). */
  notify(): void;
  /** A streamed result arrived. */
  dataChanged(): void;
}

/** Hooks the inspector panel needs from the rest of the extension. */
export interface PanelServices {
  readonly extensionUri: vscode.Uri;
  readonly version: string;
  readonly pool: PoolClient;
  readonly registry: PanelTracker;
  /** Where messages that fail validation are reported (and dropped). */
  readonly refused: RefusedMessages;
  /** dist/calibWorker.js: one worker thread per calibration or PTQ run. */
  readonly calibWorker: CalibWorkerScript;
  /** Where the Plan tab caches per-candidate errors, per file and imatrix (the extension's global storage). */
  readonly planCacheDir: string;
  exportReport(panel: InspectorPanel, format: ExportFormat | null): Promise<unknown>;
  /** The panel's Calibrate / Simulate PTQ buttons: pick the data file, then run. */
  calibrate(panel: InspectorPanel, settings: CalibSettings): Promise<unknown>;
  simulatePtq(panel: InspectorPanel, settings: PtqSettings): Promise<unknown>;
  exportCalibration(panel: InspectorPanel, format: CalibTableFormat, method: RangeMethod): Promise<unknown>;
}

/** One webview showing one WeightDocument: HTML once, then typed messages both ways. */
export class InspectorPanel implements vscode.Disposable {
  /** What the webview last said it shows (for tests and commands). */
  rendered: RenderedView | null = null;
  private ready = false;
  /** A tab asked for before the app was ready: shown once it is. */
  private pendingTab: HostToWebview | null = null;
  private readonly disposables: vscode.Disposable[] = [];
  /** Stops the per-block passes still running in the worker when the panel closes. */
  private readonly blockStatsAbort = new AbortController();
  /** What messages are checked against; the document's headers never change while it is open. */
  private readonly messageContext: InspectorContext;

  constructor(
    readonly document: WeightDocument,
    readonly webviewPanel: vscode.WebviewPanel,
    private readonly services: PanelServices,
  ) {
    this.messageContext = { tensorNames: new Set(document.summary?.tensors.map((t) => t.name) ?? []) };
    const webview = webviewPanel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(services.extensionUri, 'dist'), vscode.Uri.joinPath(services.extensionUri, 'media')] };
    webview.html = inspectorHtml(webview, services.extensionUri);
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      document.analysis.onMessage((m) => {
        this.post(m);
        if (m.type === 'tensorResults') services.registry.dataChanged();
      }),
      ...(document.calib ? [document.calib.onMessage((m) => this.post(m))] : []),
      document.plan.onMessage((m) => {
        this.post(m);
        services.registry.notify();
      }),
      webviewPanel.onDidChangeViewState(() => {
        if (webviewPanel.active) services.registry.focus(this);
      }),
      webviewPanel.onDidDispose(() => this.dispose()),
    );
    services.registry.add(this);
  }

  /** Messages before the app's `ready` are dropped: `ready` replays the whole state. */
  post(message: HostToWebview): void {
    if (this.ready) void this.webviewPanel.webview.postMessage(message);
  }

  analyze(selection: SchemeSelection): Promise<void> {
    const problem = selectionProblem(selection);
    if (problem) return Promise.reject(new Error(problem));
    const total = this.document.summary?.tensors.length ?? 0;
    return this.document.analysis.start(selection, total);
  }

  showTab(tab: InspectorTab, tensor?: string): void {
    this.webviewPanel.reveal();
    const message: HostToWebview = tensor === undefined ? { type: 'showTab', tab } : { type: 'showTab', tab, tensor };
    if (this.ready) this.post(message);
    else this.pendingTab = message;
  }

  /** The picker's current choice: the running or last analysis, else the settings. */
  currentSelection(): SchemeSelection {
    return this.document.analysis.selection ?? selectionFromSettings();
  }

  /**
   * Everything the webview posts comes here: it is acted on only once validated (the webview runs
   * content drawn from the file; nothing it says is trusted). Returns whether it was accepted.
   */
  receive(raw: unknown): boolean {
    const checked = validateMessage(raw, INSPECTOR_VALIDATORS, this.messageContext);
    if (!checked.ok) {
      this.services.refused.report(`the inspector of ${this.document.fileName}`, checked.problem);
      return false;
    }
    this.onMessage(checked.message);
    return true;
  }

  private onMessage(m: WebviewToHost): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.sendState();
        return;
      case 'analyze':
        this.analyze(m.selection).catch((e: unknown) => void vscode.window.showErrorMessage(`QuantLens: ${toPanelError(e).message}`));
        return;
      case 'cancel':
        this.document.analysis.cancel();
        return;
      case 'export':
        void this.services.exportReport(this, m.format);
        return;
      case 'reopenWithDefault':
        void vscode.commands.executeCommand('vscode.openWith', this.document.uri, 'default');
        return;
      case 'requestBlockStats':
        void this.sendBlockStats(m.request);
        return;
      case 'requestHistograms':
        void this.sendHistograms(m.request);
        return;
      case 'rendered':
        this.rendered = m.view;
        this.services.registry.notify();
        return;
      case 'calibrate':
        this.reportFailure(this.services.calibrate(this, m.settings));
        return;
      case 'cancelCalibration':
        this.document.calib?.calibration.cancel();
        return;
      case 'exportCalibration':
        this.reportFailure(this.services.exportCalibration(this, m.format, m.method));
        return;
      case 'simulatePtq':
        this.reportFailure(this.services.simulatePtq(this, m.settings));
        return;
      case 'cancelPtq':
        this.document.calib?.ptq.cancel();
        return;
      case 'plan':
        void this.document.plan.plan(m.settings);
        return;
      case 'planExportPreview':
        this.reportFailure(this.document.plan.previewExport(m.target));
        return;
      case 'planExportSave':
        this.reportFailure(savePlanExport(this.document.plan));
        return;
      case 'planComputeErrors':
        this.reportFailure(this.document.plan.startErrors());
        return;
      case 'planCancelErrors':
        this.document.plan.cancelErrors();
        return;
      case 'planRefit':
        this.reportFailure(this.document.plan.setRefit(m.refit));
        return;
      case 'planPickImatrix':
        this.reportFailure(pickPlanImatrix(this.document.plan));
        return;
      case 'planClearImatrix':
        this.reportFailure(this.document.plan.setImatrix(null));
        return;
      default:
        assertNever(m);
    }
  }

  private sendState(): void {
    const doc = this.document;
    this.post({
      type: 'init',
      init: {
        mode: 'panel',
        fileName: doc.fileName,
        filePath: doc.uri.fsPath,
        quantlensVersion: this.services.version,
        summary: doc.summary,
        error: doc.error,
        selection: this.currentSelection(),
        runnable: doc.calib !== null,
      },
    });
    for (const m of doc.analysis.replay()) this.post(m);
    for (const m of doc.calib?.replay() ?? []) this.post(m);
    for (const m of doc.plan.replay()) this.post(m);
    if (this.pendingTab) this.post(this.pendingTab);
    this.pendingTab = null;
    if (doc.autoAnalyzePending) {
      doc.autoAnalyzePending = false;
      void this.analyze(selectionFromSettings()).catch(() => undefined);
    }
  }

  /** Errors of intents run on the panel's behalf (a save that failed, a bad method name) as notifications. */
  private reportFailure(work: Promise<unknown>): void {
    work.catch((e: unknown) => void vscode.window.showErrorMessage(`QuantLens: ${toPanelError(e).message}`));
  }

  /** The ranges are computed in the worker: the extension host never loops over a tensor's values. */
  private async sendBlockStats(request: BlockRequest): Promise<void> {
    const signal = this.blockStatsAbort.signal;
    try {
      const stats = await this.services.pool.get().blockStats([this.document.uri.fsPath], request, signal);
      this.post({ type: 'blockStats', request, stats, error: null });
    } catch (e) {
      if (!signal.aborted) this.post({ type: 'blockStats', request, stats: null, error: toPanelError(e).message });
    }
  }

  /** Computed in a worker on demand (the table's analysis has none); a superseded request sends nothing. */
  private async sendHistograms(request: HistogramRequest): Promise<void> {
    try {
      const histograms = await this.document.analysis.histograms(request);
      if (histograms) this.post({ type: 'tensorHistograms', request, histograms, error: null });
    } catch (e) {
      this.post({ type: 'tensorHistograms', request, histograms: null, error: toPanelError(e).message });
    }
  }

  dispose(): void {
    this.blockStatsAbort.abort();
    this.services.registry.remove(this);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
