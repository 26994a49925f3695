import * as vscode from 'vscode';
import { IDLE_JOB, type JobState, type JobStatus } from '../shared/calibPanelProtocol';
import { isCancellation, toPanelError } from './panelError';

/** How a job's progress reads in the notification. */
export interface ProgressText {
  readonly message: string;
  /** 0..1 */
  readonly fraction: number;
}

export interface JobRun<Options, Progress, Report> {
  /** The notification's title. */
  readonly title: string;
  readonly dataPath: string;
  readonly dataLabel: string;
  readonly options: Options;
  run(onProgress: (p: Progress) => void, signal: AbortSignal): Promise<Report>;
  describe(p: Progress): ProgressText;
}

/**
 * One cancellable long job of a model (a calibration, a PTQ simulation): its state for the panel,
 * a cancellable notification while it runs. A new start cancels the running one first.
 */
export class Job<Options, Progress, Report> implements vscode.Disposable {
  private current: JobState<Options, Progress, Report> = IDLE_JOB;
  private readonly changed = new vscode.EventEmitter<JobState<Options, Progress, Report>>();
  /** Fires with the new state on every change. */
  readonly onDidChange = this.changed.event;
  private abort: AbortController | null = null;
  private settled: Promise<unknown> = Promise.resolve();

  get state(): JobState<Options, Progress, Report> {
    return this.current;
  }

  get running(): boolean {
    return this.current.status === 'running';
  }

  /** Starts the job; resolves with how it ended. */
  start(job: JobRun<Options, Progress, Report>): Promise<JobStatus> {
    this.cancel();
    const abort = new AbortController();
    this.abort = abort;
    this.set({ status: 'running', dataLabel: job.dataLabel, dataPath: job.dataPath, options: job.options, progress: null, report: null, error: null });
    const run = this.settled.then(() => this.runWithNotification(job, abort));
    this.settled = run;
    return run;
  }

  cancel(): void {
    this.abort?.abort();
  }

  private runWithNotification(job: JobRun<Options, Progress, Report>, abort: AbortController): Thenable<JobStatus> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: job.title, cancellable: true },
      async (notification, token) => {
        const onCancel = token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        try {
          if (abort.signal.aborted) return this.finish(abort, 'cancelled', null, null);
          const report = await job.run((p) => {
            if (abort.signal.aborted || this.abort !== abort) return;
            const text = job.describe(p);
            notification.report({ increment: 100 * text.fraction - reported, message: text.message });
            reported = 100 * text.fraction;
            this.set({ ...this.current, progress: p });
          }, abort.signal);
          return this.finish(abort, 'done', report, null);
        } catch (e) {
          if (isCancellation(e) || abort.signal.aborted) return this.finish(abort, 'cancelled', null, null);
          return this.finish(abort, 'failed', null, e);
        } finally {
          onCancel.dispose();
        }
      },
    );
  }

  /** Ends `run`'s job, unless a newer one has replaced it. */
  private finish(run: AbortController, status: JobStatus, report: Report | null, error: unknown): JobStatus {
    if (this.abort !== run) return 'cancelled';
    this.abort = null;
    this.set({ ...this.current, status, report, error: error === null ? null : oneLine(toPanelError(error)) });
    return status;
  }

  private set(state: JobState<Options, Progress, Report>): void {
    this.current = state;
    this.changed.fire(state);
  }

  dispose(): void {
    this.cancel();
    this.changed.dispose();
  }
}

/** The panel shows errors in one line: the first line of the message. */
function oneLine<E extends { message: string }>(e: E): E {
  return { ...e, message: e.message.split('\n')[0] ?? e.message };
}
