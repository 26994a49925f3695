import * as vscode from 'vscode';
import type { CompareProgress, CompareStatus, HostToCompareView } from '../shared/comparePanelProtocol';
import type { CompareMapping, CompareOutcome, PairHistograms, PairSpec } from '../shared/compareTypes';
import type { PanelError } from '../shared/webviewProtocol';
import { isCancellation, toPanelError } from './panelError';
import type { PoolClient } from './poolClient';
import { histogramBins } from './settings';

/** Progress messages to the panel at most this often: the worker reports every 50 ms per request. */
const PROGRESS_INTERVAL_MS = 100;
/** Drill-downs kept for a reopened panel to replay: the last few pairs looked at. */
const HISTOGRAMS_KEPT = 8;

/** Two files and how their names are matched. */
export interface CompareFiles {
  readonly reference: string;
  readonly candidate: string;
  readonly mapping: CompareMapping;
}

/** A failure in one line (the panel and the notifications show no stack or second line). */
function oneLine(e: PanelError): PanelError {
  return { ...e, message: e.message.split('\n')[0] ?? e.message };
}

/**
 * One comparison of two files run in the worker pool: its state and the messages that tell a panel
 * about it, and the drill-down histograms computed on request. The host never reads a value itself.
 */
export class CompareRun implements vscode.Disposable {
  status: CompareStatus = 'running';
  progress: CompareProgress | null = null;
  error: PanelError | null = null;
  result: CompareOutcome | null = null;
  private readonly histograms = new Map<string, HostToCompareView & { type: 'histograms' }>();
  private readonly stop = new AbortController();
  /** Stops the running drill-down when another pair is asked for, or the run ends. */
  private histogramStop = new AbortController();
  private lastProgress = 0;
  private readonly changed = new vscode.EventEmitter<HostToCompareView>();
  /** Each message for the panel, as the state changes. */
  readonly onMessage = this.changed.event;
  /** Settles with the final status. */
  readonly finished: Promise<CompareStatus>;

  constructor(readonly files: CompareFiles, private readonly pool: PoolClient) {
    this.finished = this.run();
  }

  private async run(): Promise<CompareStatus> {
    const { reference, candidate, mapping } = this.files;
    try {
      const pool = this.pool.get();
      const summary = await pool.inspect([candidate]);
      const elementsTotal = summary.tensors.reduce((s, t) => s + t.numel, 0);
      this.setProgress({ elementsDone: 0, elementsTotal }, true);
      const result = await pool.compare([reference], [candidate], mapping, (elementsDone) => this.setProgress({ elementsDone, elementsTotal }, false), this.stop.signal);
      this.result = result;
      this.changed.fire({ type: 'result', result });
      this.end('done', null);
    } catch (e) {
      if (this.stop.signal.aborted || isCancellation(e)) this.end('cancelled', null);
      else this.end('failed', oneLine(toPanelError(e)));
    }
    return this.status;
  }

  private setProgress(progress: CompareProgress, force: boolean): void {
    // Decoded storages (GPTQ, ...) read fewer stored values than the candidate's header counts, never more: clamp all the same.
    this.progress = { ...progress, elementsDone: Math.min(progress.elementsDone, progress.elementsTotal) };
    const now = Date.now();
    if (!force && now - this.lastProgress < PROGRESS_INTERVAL_MS) return;
    this.lastProgress = now;
    this.changed.fire(this.statusMessage());
  }

  private end(status: CompareStatus, error: PanelError | null): void {
    this.status = status;
    this.error = error;
    this.changed.fire(this.statusMessage());
  }

  private statusMessage(): HostToCompareView {
    return { type: 'status', status: this.status, progress: this.progress, error: this.error };
  }

  /** Everything a panel that (re)opens needs, in order. */
  replay(): HostToCompareView[] {
    return [this.statusMessage(), ...(this.result ? [{ type: 'result', result: this.result } as const] : []), ...this.histograms.values()];
  }

  cancel(): void {
    this.stop.abort();
  }

  /** Computes one pair's histograms in the worker (stopping the previous drill-down) and tells the panel. */
  async requestHistograms(pair: PairSpec): Promise<void> {
    const key = JSON.stringify([pair.reference, pair.candidate]);
    const kept = this.histograms.get(key);
    if (kept) {
      this.changed.fire(kept);
      return;
    }
    this.histogramStop.abort();
    const stop = new AbortController();
    this.histogramStop = stop;
    let message: HostToCompareView & { type: 'histograms' };
    try {
      const histograms: PairHistograms = await this.pool.get().compareHistograms([this.files.reference], [this.files.candidate], this.files.mapping, pair, histogramBins(), stop.signal);
      message = { type: 'histograms', pair, histograms, error: null };
      this.histograms.set(key, message);
      for (const k of [...this.histograms.keys()].slice(0, Math.max(0, this.histograms.size - HISTOGRAMS_KEPT))) this.histograms.delete(k);
    } catch (e) {
      if (stop.signal.aborted) return;
      message = { type: 'histograms', pair, histograms: null, error: oneLine(toPanelError(e)).message };
    }
    this.changed.fire(message);
  }

  dispose(): void {
    this.stop.abort();
    this.histogramStop.abort();
    this.changed.dispose();
  }
}
