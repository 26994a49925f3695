import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RunKind } from './execute';
import type { FileSet } from './fileSet';
import type { Outcome } from './outcome';
import { workerStacks } from './workerStacks';

export interface Job {
  readonly id: number;
  readonly kind: RunKind;
  readonly files: FileSet;
}

export interface WorkerData {
  /** An empty folder for inputs that must be files on disk (shard indexes). */
  readonly scratch: string;
}

/** What the worker posts: once `ready` when it has loaded (compiling the readers takes a while), then one result per job. */
export type WorkerMessage = { readonly kind: 'ready' } | { readonly kind: 'result'; readonly id: number; readonly outcome: Outcome };

/** An input that has not answered after this long hangs (the bar: 2 s of one core). */
export const DEFAULT_TIMEOUT_MS = 2000;
/** However loaded the machine, a watchdog never waits longer than this. */
const MAX_SCALED_TIMEOUT_MS = 30_000;

/**
 * The watchdog's wait on this machine now: `ms` of a dedicated core, stretched by how many
 * runnable threads share each core (the 1-minute load average), so a busy shared machine
 * does not turn slow-but-linear inputs into hangs.
 */
export function scaledTimeout(ms: number): number {
  const share = os.loadavg()[0]! / Math.max(1, os.availableParallelism());
  return Math.min(MAX_SCALED_TIMEOUT_MS, Math.round(ms * Math.max(1, share)));
}
/**
 * The worker's stack matches the main thread's (~1 MB), where the CLI opens files: a recursion
 * that overflows there must overflow here. The heap cap turns a runaway allocation into a
 * finding instead of taking the fuzzer down.
 */
const RESOURCE_LIMITS = { stackSizeMb: 1, maxOldGenerationSizeMb: 2048 };
/** How long a hung worker gets to report its stack before it is terminated (generous: the machine may be loaded). */
const STACK_TIMEOUT_MS = 3000;

/**
 * Runs inputs in a worker thread it can kill: a synchronous hang cannot be interrupted by a
 * timer in its own thread, so the watchdog lives here and terminates the worker.
 */
export class Sandbox {
  private worker: Promise<Worker> | undefined;
  private nextId = 0;
  private pending: { readonly id: number; settle(outcome: Outcome): void } | undefined;
  private readonly scratch = mkdtempSync(path.join(os.tmpdir(), 'quantlens-fuzz-'));

  /** Attaching the inspector before any worker starts lets it pause every one of them. */
  private readonly stacks = workerStacks();

  constructor(private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {}

  async run(kind: RunKind, files: FileSet): Promise<Outcome> {
    if (this.pending) throw new Error('Sandbox runs one input at a time');
    const worker = await this.ready();
    const id = this.nextId++;
    const timeoutMs = scaledTimeout(this.timeoutMs);
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => {
        void this.stacks.stackOf(worker, STACK_TIMEOUT_MS).then((frames) => {
          if (this.pending?.id !== id) return;
          this.kill();
          settle({ kind: 'hang', afterMs: timeoutMs, frames });
        });
      }, timeoutMs);
      const settle = (outcome: Outcome) => {
        clearTimeout(timer);
        if (this.pending?.id === id) this.pending = undefined;
        resolve(outcome);
      };
      this.pending = { id, settle };
      const job: Job = { id, kind, files };
      worker.postMessage(job);
    });
  }

  /**
   * Like run, but a hang counts only when a second run hangs too: on a loaded machine one
   * watchdog miss proves little. `onSlow` hears of inputs that finished the second time.
   */
  async runConfirmed(kind: RunKind, files: FileSet, onSlow: () => void = () => undefined): Promise<Outcome> {
    const first = await this.run(kind, files);
    if (first.kind !== 'hang') return first;
    const again = await this.run(kind, files);
    if (again.kind !== 'hang') onSlow();
    return again.kind === 'hang' && again.frames.length < first.frames.length ? first : again;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.then((w) => w.terminate(), () => undefined);
    rmSync(this.scratch, { recursive: true, force: true });
  }

  /** The worker, started if needed; resolves once it has loaded, so loading never counts against the watchdog. */
  private ready(): Promise<Worker> {
    if (this.worker) return this.worker;
    const started: Promise<Worker> = new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(path.join(__dirname, 'sandboxWorker.ts'), {
        execArgv: ['--require', 'tsx/cjs'],
        resourceLimits: RESOURCE_LIMITS,
        workerData: { scratch: this.scratch } satisfies WorkerData,
      });
      worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'ready') resolve(worker);
        else if (this.pending?.id === message.id) this.pending.settle(message.outcome);
      });
      // An error nobody caught inside the worker (an unhandled rejection, an out-of-memory) ends it: a finding.
      const gone = (why: string) => {
        reject(new Error(`fuzz worker failed to start: ${why}`));
        // A worker this sandbox killed (a hang) is already replaced; only the current one's death is news.
        if (this.worker !== started) return;
        this.worker = undefined;
        this.pending?.settle({ kind: 'died', message: why });
      };
      worker.on('error', (e) => gone(`${e.name}: ${e.message}`));
      worker.on('exit', (code) => gone(`exit code ${code}`));
    });
    this.worker = started;
    return started;
  }

  private kill(): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.then((w) => w.terminate());
  }
}
