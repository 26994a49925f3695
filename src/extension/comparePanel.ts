import * as path from 'path';
import * as vscode from 'vscode';
import { assertNever } from '../shared/assertNever';
import type { CompareRendered, CompareSetup, CompareViewToHost, HostToCompareView } from '../shared/comparePanelProtocol';
import type { ExportFormat } from '../shared/webviewProtocol';
import { CompareRun, type CompareFiles } from './compareRun';
import { COMPARE_VALIDATORS } from './messages/compareMessages';
import type { RefusedMessages } from './messages/refusedMessages';
import { validateMessage } from './messages/validateMessage';
import { toPanelError } from './panelError';
import type { PoolClient } from './poolClient';
import { panelHtml } from './webviewHtml';

export const COMPARE_VIEW_TYPE = 'quantlens.compare';

/** What a Compare panel tells the list of open ones; declared here so the list depends on panels, not the reverse. */
export interface ComparePanelTracker {
  add(panel: ComparePanel): void;
  remove(panel: ComparePanel): void;
  focus(panel: ComparePanel): void;
  notify(): void;
}

export interface ComparePanelServices {
  readonly extensionUri: vscode.Uri;
  readonly version: string;
  readonly pool: PoolClient;
  readonly tracker: ComparePanelTracker;
  /** Where messages that fail validation are reported (and dropped). */
  readonly refused: RefusedMessages;
  exportComparison(panel: ComparePanel, format: ExportFormat | null): Promise<unknown>;
}

/** The mapping as the panel and the exports name it (CLI.md `--map`). */
function mappingLabel(files: CompareFiles): string {
  return files.mapping.kind === 'file' ? 'file' : files.mapping.kind;
}

/** One Compare (two files) webview: HTML once, then typed messages both ways; a rerun or swap replaces its CompareRun. */
export class ComparePanel implements vscode.Disposable {
  /** What the webview last said it shows (for tests). */
  rendered: CompareRendered | null = null;
  private ready = false;
  private runSubscription: vscode.Disposable | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  run: CompareRun;

  constructor(files: CompareFiles, readonly webviewPanel: vscode.WebviewPanel, private readonly services: ComparePanelServices) {
    const webview = webviewPanel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(services.extensionUri, 'dist'), vscode.Uri.joinPath(services.extensionUri, 'media')] };
    webview.html = panelHtml(webview, services.extensionUri, 'compareWebview.js', ['inspector.css', 'compare.css']);
    this.run = this.start(files);
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      webviewPanel.onDidChangeViewState(() => {
        if (webviewPanel.active) services.tracker.focus(this);
      }),
      webviewPanel.onDidDispose(() => this.dispose()),
    );
    services.tracker.add(this);
  }

  /** Opens a panel beside the editor and starts comparing. */
  static open(files: CompareFiles, services: ComparePanelServices): ComparePanel {
    const title = `${path.basename(files.reference)} ↔ ${path.basename(files.candidate)}`;
    const webviewPanel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, title, vscode.ViewColumn.Active, { enableScripts: true });
    return new ComparePanel(files, webviewPanel, services);
  }

  get setup(): CompareSetup {
    const { reference, candidate } = this.run.files;
    return { mode: 'panel', reference, candidate, mapping: mappingLabel(this.run.files), quantlensVersion: this.services.version };
  }

  private start(files: CompareFiles): CompareRun {
    this.runSubscription?.dispose();
    const run = new CompareRun(files, this.services.pool);
    this.runSubscription = run.onMessage((m) => {
      this.post(m);
      this.services.tracker.notify();
    });
    return run;
  }

  /** Replaces the run (a rerun, or the two sides swapped) and tells the webview from scratch. */
  private restart(files: CompareFiles): void {
    const old = this.run;
    this.run = this.start(files);
    old.dispose();
    this.webviewPanel.title = `${path.basename(files.reference)} ↔ ${path.basename(files.candidate)}`;
    this.sendState();
    this.services.tracker.notify();
  }

  /** Messages before the app's `ready` are dropped: `ready` replays the whole state. */
  private post(message: HostToCompareView): void {
    if (this.ready) void this.webviewPanel.webview.postMessage(message);
  }

  private sendState(): void {
    this.post({ type: 'init', setup: this.setup });
    for (const m of this.run.replay()) this.post(m);
  }

  /** Everything the webview posts comes here, and is acted on only once validated; returns whether it was accepted. */
  receive(raw: unknown): boolean {
    const checked = validateMessage(raw, COMPARE_VALIDATORS, { pairs: this.run.result?.pairs ?? [] });
    if (!checked.ok) {
      this.services.refused.report(`the comparison ${this.webviewPanel.title}`, checked.problem);
      return false;
    }
    this.onMessage(checked.message);
    return true;
  }

  private onMessage(m: CompareViewToHost): void {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.sendState();
        return;
      case 'cancel':
        this.run.cancel();
        return;
      case 'rerun':
        this.restart(this.run.files);
        return;
      case 'swap': {
        const { reference, candidate, mapping } = this.run.files;
        this.restart({ reference: candidate, candidate: reference, mapping });
        return;
      }
      case 'requestHistograms':
        void this.run.requestHistograms(m.pair);
        return;
      case 'export':
        this.services.exportComparison(this, m.format).catch((e: unknown) => void vscode.window.showErrorMessage(`QuantLens: ${toPanelError(e).message}`));
        return;
      case 'rendered':
        this.rendered = m.view;
        this.services.tracker.notify();
        return;
      default:
        assertNever(m);
    }
  }

  reveal(): void {
    this.webviewPanel.reveal();
  }

  dispose(): void {
    this.run.dispose();
    this.runSubscription?.dispose();
    this.services.tracker.remove(this);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
