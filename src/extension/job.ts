import * as vscode from 'vscode';
import { IDLE_JOB, type JobState } from '../shared/calibPanelProtocol';
import { JobRunner, type JobOutcome, type ProgressText } from './jobRunner';
import { toPanelError } from './panelError';

/** One calibration or PTQ run: what the panel shows about it, and its work. */
export interface JobSpec<Options, Progress, Report> {
  /** The notification's title. */
  readonly title: string;
  readonly dataPath: string;
  readonly dataLabel: string;
  readonly options: Options;
  run(onProgress: (p: Progress) => void, signal: AbortSignal): Promise<Report>;
  describe(p: Progress): ProgressText;
}

/**
 * A long job of a model (a calibration, a PTQ simulation) as the panel sees it: its state, on
 * every change. The runs themselves go through the JobRunner.
 */
export class Job<Options, Progress, Report> implements vscode.Disposable {
  private current: JobState<Options, Progress, Report> = IDLE_JOB;
  private readonly changed = new vscode.EventEmitter<JobState<Options, Progress, Report>>();
  /** Fires with the new state on every change. */
  readonly onDidChange = this.changed.event;
  private readonly runner = new JobRunner();

  get state(): JobState<Options, Progress, Report> {
    return this.current;
  }

  get running(): boolean {
    return this.runner.running;
  }

  /** Starts the job (cancelling a running one); resolves with how it ended. */
  start(spec: JobSpec<Options, Progress, Report>): Promise<JobOutcome> {
    const { dataLabel, dataPath, options } = spec;
    const outcome = this.runner.start({
      title: spec.title,
      run: spec.run,
      describe: spec.describe,
      onProgress: (progress) => this.set({ ...this.current, progress }),
      onEnd: (end) => this.set({
        ...this.current,
        status: end.status,
        report: end.status === 'done' ? end.report : null,
        error: end.status === 'failed' ? oneLine(toPanelError(end.error)) : null,
      }),
    });
    this.set({ status: 'running', dataLabel, dataPath, options, progress: null, report: null, error: null });
    return outcome;
  }

  cancel(): void {
    this.runner.cancel();
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
