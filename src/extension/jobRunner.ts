import * as vscode from 'vscode';
import { isCancellation } from './panelError';

/** How a job's progress reads in the notification. */
export interface ProgressText {
  readonly message: string;
  /** 0..1 */
  readonly fraction: number;
}

/** How a run ended; `error` is what it threw. */
export type JobEnd<Report> =
  | { readonly status: 'done'; readonly report: Report }
  | { readonly status: 'cancelled' }
  | { readonly status: 'failed'; readonly error: unknown };

export type JobOutcome = JobEnd<unknown>['status'];

/** One run of a job: its work, how its progress reads, and what its owner does with progress and the end. */
export interface JobRun<Progress, Report> {
  /** The notification's title. */
  readonly title: string;
  run(onProgress: (p: Progress) => void, signal: AbortSignal): Promise<Report>;
  describe(p: Progress): ProgressText;
  /** Each progress while the run is current (not cancelled, not replaced by a newer run). */
  onProgress(p: Progress): void;
  /** How the run ended, unless a newer run replaced it. */
  onEnd(end: JobEnd<Report>): void;
}

/**
 * The extension's one job machine, behind an analysis, a calibration and a PTQ simulation alike:
 * one run at a time, with a cancellable notification. A new start cancels the running run and
 * begins once it has settled; a replaced run reports nothing more. A run whose signal fired ends
 * cancelled, whatever its work returned.
 */
export class JobRunner {
  private abort: AbortController | null = null;
  private settled: Promise<unknown> = Promise.resolve();

  /** From start until the current run has ended. */
  get running(): boolean {
    return this.abort !== null;
  }

  /** Starts `job`; resolves with how it ended ('cancelled' too when a newer run replaced it). */
  start<Progress, Report>(job: JobRun<Progress, Report>): Promise<JobOutcome> {
    this.cancel();
    const abort = new AbortController();
    this.abort = abort;
    const run = this.settled.then(() => this.runWithNotification(job, abort));
    this.settled = run;
    return run;
  }

  cancel(): void {
    this.abort?.abort();
  }

  /** Resolves once no run is left. */
  async whenSettled(): Promise<void> {
    await this.settled;
  }

  private runWithNotification<Progress, Report>(job: JobRun<Progress, Report>, abort: AbortController): Thenable<JobOutcome> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: job.title, cancellable: true },
      async (notification, token) => {
        const onCancel = token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        try {
          if (abort.signal.aborted) return this.end(job, abort, { status: 'cancelled' });
          const report = await job.run((p) => {
            if (abort.signal.aborted || this.abort !== abort) return;
            const text = job.describe(p);
            notification.report({ increment: 100 * text.fraction - reported, message: text.message });
            reported = 100 * text.fraction;
            job.onProgress(p);
          }, abort.signal);
          return this.end(job, abort, abort.signal.aborted ? { status: 'cancelled' } : { status: 'done', report });
        } catch (e) {
          return this.end(job, abort, isCancellation(e) || abort.signal.aborted ? { status: 'cancelled' } : { status: 'failed', error: e });
        } finally {
          onCancel.dispose();
        }
      },
    );
  }

  /** Ends `run`, unless a newer run has replaced it. */
  private end<Progress, Report>(job: JobRun<Progress, Report>, run: AbortController, end: JobEnd<Report>): JobOutcome {
    if (this.abort !== run) return 'cancelled';
    this.abort = null;
    job.onEnd(end);
    return end.status;
  }
}
