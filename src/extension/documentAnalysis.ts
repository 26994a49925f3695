import * as vscode from 'vscode';
import type { AnalysisProgress, AnalysisReport, SkippedTensor, TensorResult } from '../shared/analysisTypes';
import { expandSelection, type SchemeSelection } from '../shared/schemeSelection';
import type { HostToWebview, PanelError } from '../shared/webviewProtocol';
import { isCancellation, toPanelError } from './panelError';
import type { PoolClient } from './poolClient';
import { histogramBins } from './settings';

export type AnalysisStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

/** One file's analysis: its state, and the stream of panel messages that rebuilds it. */
export class DocumentAnalysis implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<HostToWebview>();
  /** Every message an open panel has received, in order: also what a new panel replays. */
  readonly onMessage = this.changed.event;
  status: AnalysisStatus = 'idle';
  selection: SchemeSelection | null = null;
  results: TensorResult[] = [];
  skipped: readonly SkippedTensor[] = [];
  progress: AnalysisProgress | null = null;
  report: AnalysisReport | null = null;
  error: PanelError | null = null;
  private startedAt = 0;
  private abort: AbortController | null = null;
  private settled: Promise<void> = Promise.resolve();

  constructor(
    private readonly paths: readonly string[],
    private readonly label: string,
    private readonly pool: PoolClient,
    private readonly onStatus: () => void,
  ) {}

  /** Starts (or restarts) the analysis; resolves when it has settled, whatever the outcome. */
  start(selection: SchemeSelection, tensorsTotal: number): Promise<void> {
    this.cancel();
    const abort = new AbortController();
    this.abort = abort;
    this.status = 'running';
    this.selection = selection;
    this.results = [];
    this.skipped = [];
    this.progress = null;
    this.report = null;
    this.error = null;
    this.startedAt = Date.now();
    this.onStatus();
    this.changed.fire({ type: 'analysisStarted', selection, tensorsTotal });
    const previous = this.settled;
    this.settled = previous.then(() => this.runWithNotification(selection, abort));
    return this.settled;
  }

  cancel(): void {
    this.abort?.abort();
  }

  /** Resolves once no analysis is running. */
  whenSettled(): Promise<void> {
    return this.settled;
  }

  /** Messages that bring a freshly loaded panel up to date. */
  replay(): HostToWebview[] {
    if (this.status === 'idle' || !this.selection) return [];
    const messages: HostToWebview[] = [
      { type: 'analysisStarted', selection: this.selection, tensorsTotal: this.progress?.tensorsTotal ?? 0 },
      { type: 'tensorResults', results: this.results },
    ];
    if (this.progress) messages.push({ type: 'progress', progress: this.progress, elapsedMs: Date.now() - this.startedAt });
    if (this.status !== 'running') {
      messages.push({ type: 'analysisFinished', outcome: this.status, skipped: this.skipped, error: this.error });
    }
    return messages;
  }

  private runWithNotification(selection: SchemeSelection, abort: AbortController): Thenable<void> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `QuantLens: analysing ${this.label}`, cancellable: true },
      async (notification, token) => {
        const onCancel = token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        try {
          const report = await this.pool.get().analyze(
            this.paths,
            { schemes: expandSelection(selection), histogramBins: histogramBins() },
            {
              onTensor: (r) => {
                if (abort.signal.aborted) return;
                this.results.push(r);
                this.changed.fire({ type: 'tensorResults', results: [r] });
              },
              onProgress: (p) => {
                if (abort.signal.aborted) return;
                this.progress = p;
                const percent = p.tensorsTotal > 0 ? (100 * p.tensorsDone) / p.tensorsTotal : 0;
                notification.report({ increment: percent - reported, message: `${p.tensorsDone} / ${p.tensorsTotal} tensors` });
                reported = percent;
                this.changed.fire({ type: 'progress', progress: p, elapsedMs: Date.now() - this.startedAt });
              },
            },
            abort.signal,
          );
          if (abort.signal.aborted) throw new DOMException('cancelled', 'AbortError');
          if (this.abort !== abort) return;
          this.report = report;
          this.results = [...report.tensors];
          this.skipped = report.skipped;
          this.finish(abort, 'done', null);
        } catch (e) {
          if (isCancellation(e) || abort.signal.aborted) this.finish(abort, 'cancelled', null);
          else this.finish(abort, 'failed', toPanelError(e));
        } finally {
          onCancel.dispose();
        }
      },
    );
  }

  /** Ends `run`'s analysis, unless a newer one has replaced it. */
  private finish(run: AbortController, outcome: 'done' | 'cancelled' | 'failed', error: PanelError | null): void {
    if (this.abort !== run) return;
    this.abort = null;
    this.status = outcome;
    this.error = error;
    this.onStatus();
    this.changed.fire({ type: 'analysisFinished', outcome, skipped: this.skipped, error });
  }

  dispose(): void {
    this.cancel();
    this.changed.dispose();
  }
}
