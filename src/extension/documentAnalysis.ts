import * as vscode from 'vscode';
import type { AnalysisOptions, AnalysisProgress, AnalysisReport, Scheme, SkippedTensor, TensorResult } from '../shared/analysisTypes';
import type { TensorEstimate } from '../shared/estimateTypes';
import type { JobStatus } from '../shared/calibPanelProtocol';
import { configLabel } from '../shared/resultLabels';
import { expandSelection, type SchemeSelection } from '../shared/schemeSelection';
import type { HistogramRequest, HostToWebview, PanelError, TensorHistograms } from '../shared/webviewProtocol';
import { HistogramCache } from './histogramCache';
import { JobRunner, type JobEnd } from './jobRunner';
import { toPanelError } from './panelError';
import type { PoolClient } from './poolClient';
import { histogramBins } from './settings';

export type AnalysisStatus = JobStatus;

/**
 * Files below this size are analysed exactly in seconds: a first estimate (which reads a good part
 * of a small tensor) would only delay the exact figures. Above it, every tensor is estimated first.
 */
export const PROGRESSIVE_MIN_BYTES = 256 * 2 ** 20;

/** One file's analysis: its state, and the stream of panel messages that rebuilds it. */
export class DocumentAnalysis implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<HostToWebview>();
  /** Every message an open panel has received, in order: also what a new panel replays. */
  readonly onMessage = this.changed.event;
  status: AnalysisStatus = 'idle';
  selection: SchemeSelection | null = null;
  results: TensorResult[] = [];
  /** First estimates of the tensors (progressive), shown until each exact result arrives. */
  estimates: readonly TensorEstimate[] = [];
  skipped: readonly SkippedTensor[] = [];
  progress: AnalysisProgress | null = null;
  report: AnalysisReport | null = null;
  error: PanelError | null = null;
  private startedAt = 0;
  private readonly runner = new JobRunner();
  /** The schemes of the running or last analysis, what the Tensor tab's histograms are asked under. */
  private schemes: readonly Scheme[] = [];
  private readonly histogramCache = new HistogramCache((request, signal) => this.computeHistograms(request, signal));
  /** The finished report again with every histogram (the HTML export draws them), kept once computed. */
  private reportWithHistograms: AnalysisReport | null = null;

  constructor(
    private readonly paths: readonly string[],
    private readonly label: string,
    private readonly fileSize: number,
    private readonly pool: PoolClient,
    private readonly onStatus: () => void,
  ) {}

  /** Starts (or restarts) the analysis; resolves when it has settled, whatever the outcome. */
  start(selection: SchemeSelection, tensorsTotal: number): Promise<void> {
    void this.runner.start<AnalysisProgress, AnalysisReport>({
      title: `QuantLens: analysing ${this.label}`,
      run: (onProgress, signal) => this.run(selection, onProgress, signal),
      describe: (p) => ({ message: `${p.tensorsDone} / ${p.tensorsTotal} tensors`, fraction: p.tensorsTotal > 0 ? p.tensorsDone / p.tensorsTotal : 0 }),
      onProgress: (p) => this.onProgress(p),
      onEnd: (end) => this.onEnd(end),
    });
    this.status = 'running';
    this.selection = selection;
    this.results = [];
    this.estimates = [];
    this.skipped = [];
    this.progress = null;
    this.report = null;
    this.error = null;
    this.schemes = [];
    this.histogramCache.clear();
    this.reportWithHistograms = null;
    this.startedAt = Date.now();
    this.onStatus();
    this.changed.fire({ type: 'analysisStarted', selection, tensorsTotal });
    return this.runner.whenSettled();
  }

  get running(): boolean {
    return this.runner.running;
  }

  cancel(): void {
    this.runner.cancel();
  }

  /** Resolves once no analysis is running. */
  whenSettled(): Promise<void> {
    return this.runner.whenSettled();
  }

  /** Messages that bring a freshly loaded panel up to date. */
  replay(): HostToWebview[] {
    if (this.status === 'idle' || !this.selection) return [];
    const messages: HostToWebview[] = [
      { type: 'analysisStarted', selection: this.selection, tensorsTotal: this.progress?.tensorsTotal ?? 0 },
      { type: 'tensorEstimates', estimates: this.estimates },
      { type: 'tensorResults', results: this.results },
    ];
    if (this.progress) messages.push({ type: 'progress', progress: this.progress, elapsedMs: Date.now() - this.startedAt });
    if (this.status !== 'running') {
      messages.push({ type: 'analysisFinished', outcome: this.status, skipped: this.skipped, error: this.error });
    }
    return messages;
  }

  private async run(selection: SchemeSelection, onProgress: (p: AnalysisProgress) => void, signal: AbortSignal): Promise<AnalysisReport> {
    const expansion = expandSelection(selection);
    if (!expansion.ok) throw new Error(expansion.problem);
    this.schemes = expansion.schemes;
    // The table's figures only: histograms cost a scatter per value and are drawn for one tensor at a time (histograms()).
    const options: AnalysisOptions = { schemes: expansion.schemes, histogramBins: histogramBins(), tableOnly: true };
    if (this.fileSize >= PROGRESSIVE_MIN_BYTES) await this.estimate(options, signal);
    return this.pool.get().analyze(this.paths, options, {
      onTensor: (r) => {
        if (signal.aborted) return;
        this.results.push(r);
        this.changed.fire({ type: 'tensorResults', results: [r] });
      },
      onProgress,
    }, signal);
  }

  /** Progressive: every tensor's first estimate (a few MB read) before the full pass starts. */
  private async estimate(options: AnalysisOptions, signal: AbortSignal): Promise<void> {
    try {
      this.estimates = await this.pool.get().estimate(this.paths, options, signal);
    } catch (e) {
      // The full pass reads the same file and reports its errors; only a cancel stops here.
      if (signal.aborted) throw e;
      return;
    }
    if (!signal.aborted) this.changed.fire({ type: 'tensorEstimates', estimates: this.estimates });
  }

  /**
   * The Tensor tab's histograms of one tensor under one configuration of the analysis (one pass over
   * that tensor in a worker, kept); null when a request for another one stopped it first.
   */
  histograms(request: HistogramRequest): Promise<TensorHistograms | null> {
    return this.histogramCache.get(request);
  }

  /**
   * The finished report with the histograms the table's run leaves out (one more pass over the file,
   * kept once it completes), for the HTML export's Tensor tab; each export's pass is its own to cancel.
   */
  async histogramReport(onProgress: (p: AnalysisProgress) => void, signal: AbortSignal): Promise<AnalysisReport> {
    const report = this.report;
    if (!report) throw new Error('no finished analysis');
    if (this.reportWithHistograms) return this.reportWithHistograms;
    const options: AnalysisOptions = { schemes: this.schemes, histogramBins: histogramBins() };
    const full = await this.pool.get().analyze(this.paths, options, { onProgress }, signal);
    // An analysis started meanwhile makes this one stale: hand it to this export only.
    if (this.report === report) this.reportWithHistograms = full;
    return full;
  }

  private async computeHistograms(request: HistogramRequest, signal: AbortSignal): Promise<TensorHistograms> {
    const scheme = this.schemes.find((s) => configLabel(s) === request.config);
    if (!scheme) throw new Error(`${request.config} is not a configuration of this analysis`);
    const options: AnalysisOptions = { schemes: [scheme], histogramBins: histogramBins() };
    const t = await this.pool.get().analyzeOne(this.paths, request.tensor, options, signal);
    const r = t.results[0];
    if (!t.histogram || !r?.histograms) throw new Error(`${request.config} does not apply to ${request.tensor}`);
    return { values: t.histogram, dequantized: r.histograms.dequantized, error: r.histograms.error };
  }

  private onProgress(p: AnalysisProgress): void {
    this.progress = p;
    this.changed.fire({ type: 'progress', progress: p, elapsedMs: Date.now() - this.startedAt });
  }

  private onEnd(end: JobEnd<AnalysisReport>): void {
    if (end.status === 'done') {
      this.report = end.report;
      this.results = [...end.report.tensors];
      this.skipped = end.report.skipped;
    }
    // A failed run has no report and may have read a file that changed under it: no partial results.
    if (end.status === 'failed') this.results = [];
    this.status = end.status;
    this.error = end.status === 'failed' ? toPanelError(end.error) : null;
    this.onStatus();
    this.changed.fire({ type: 'analysisFinished', outcome: end.status, skipped: this.skipped, error: this.error });
  }

  dispose(): void {
    this.cancel();
    this.histogramCache.clear();
    this.changed.dispose();
  }
}
