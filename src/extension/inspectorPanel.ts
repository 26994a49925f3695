import * as vscode from 'vscode';
import { assertNever } from '../shared/assertNever';
import { selectionProblem, type SchemeSelection } from '../shared/schemeSelection';
import type { ExportFormat, HostToWebview, InspectorTab, RenderedView, WebviewToHost } from '../shared/webviewProtocol';
import { channelStatsProblem, computeChannelStats } from './channelStats';
import { toPanelError } from './panelError';
import type { PanelRegistry } from './panelRegistry';
import type { PoolClient } from './poolClient';
import { selectionFromSettings } from './settings';
import { inspectorHtml } from './webviewHtml';
import type { WeightDocument } from './weightDocument';

/** Hooks the inspector panel needs from the rest of the extension. */
export interface PanelServices {
  readonly extensionUri: vscode.Uri;
  readonly version: string;
  readonly pool: PoolClient;
  readonly registry: PanelRegistry;
  exportReport(panel: InspectorPanel, format: ExportFormat | null): Promise<unknown>;
}

/** One webview showing one WeightDocument: HTML once, then typed messages both ways. */
export class InspectorPanel implements vscode.Disposable {
  /** What the webview last said it shows (for tests and commands). */
  rendered: RenderedView | null = null;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly document: WeightDocument,
    readonly webviewPanel: vscode.WebviewPanel,
    private readonly services: PanelServices,
  ) {
    const webview = webviewPanel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(services.extensionUri, 'dist'), vscode.Uri.joinPath(services.extensionUri, 'media')] };
    webview.html = inspectorHtml(webview, services.extensionUri);
    this.disposables.push(
      webview.onDidReceiveMessage((m: WebviewToHost) => this.onMessage(m)),
      document.analysis.onMessage((m) => this.post(m)),
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

  showTab(tab: InspectorTab): void {
    this.webviewPanel.reveal();
    this.post({ type: 'showTab', tab });
  }

  /** The picker's current choice: the running or last analysis, else the settings. */
  currentSelection(): SchemeSelection {
    return this.document.analysis.selection ?? selectionFromSettings();
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
      case 'requestChannelStats':
        void this.sendChannelStats(m.tensor);
        return;
      case 'rendered':
        this.rendered = m.view;
        this.services.registry.notify();
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
      },
    });
    for (const m of doc.analysis.replay()) this.post(m);
    if (doc.autoAnalyzePending) {
      doc.autoAnalyzePending = false;
      void this.analyze(selectionFromSettings()).catch(() => undefined);
    }
  }

  private async sendChannelStats(tensor: string): Promise<void> {
    const t = this.document.summary?.tensors.find((x) => x.name === tensor);
    const problem = t ? channelStatsProblem(t) : `No tensor named ${tensor}.`;
    if (!t || problem) {
      this.post({ type: 'channelStats', tensor, stats: null, error: problem });
      return;
    }
    try {
      const stats = await computeChannelStats(this.services.pool, [this.document.uri.fsPath], t);
      this.post({ type: 'channelStats', tensor, stats, error: null });
    } catch (e) {
      this.post({ type: 'channelStats', tensor, stats: null, error: toPanelError(e).message });
    }
  }

  dispose(): void {
    this.services.registry.remove(this);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
