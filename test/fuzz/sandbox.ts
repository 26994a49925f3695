import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RunKind } from './execute';
import type { FileSet } from './fileSet';
import type { Outcome } from './outcome';
import { Progress, type Batch, type WorkerData, type WorkerMessage } from './sandboxProtocol';
import { workerStacks } from './workerStacks';

/** An input that has not answered after this long hangs (the bar: 2 s of one core). */
export const DEFAULT_TIMEOUT_MS = 2000;
/** However loaded the machine, a watchdog never waits longer than this. */
const MAX_SCALED_TIMEOUT_MS = 30_000;
/** Inputs per message to the worker: enough that the round trip vanishes, few enough that a lost batch is cheap to redo. */
export const BATCH_INPUTS = 32;

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

interface Running {
  readonly id: number;
  readonly outcomes: (Outcome | undefined)[];
  /** Results still to come; the batch ends at 0 or when the worker is lost. */
  left: number;
  end(): void;
}

/**
 * Runs inputs in a worker thread it can kill: a synchronous hang cannot be interrupted by a
 * timer in its own thread, so the watchdog lives here and terminates the worker. A hang or a
 * death ends the input it happened on; the rest of its batch runs again in a new worker.
 */
export class Sandbox {
  private worker: Promise<Worker> | undefined;
  private nextId = 0;
  private running: Running | undefined;
  private readonly progress = new Progress(new SharedArrayBuffer(Progress.BYTES));
  /** CPU time the workers spent on inputs (their loading left out), and what the current one had reported. */
  private workerCpuMs = 0;
  private lastCpuMs = 0;

  /** Attaching the inspector before any worker starts lets it pause every one of them. */
  private readonly stacks = workerStacks();

  constructor(private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {}

  /** CPU time (ms) the workers have spent running inputs so far; 0 where threads' CPU time cannot be read. */
  get cpuMs(): number {
    return this.workerCpuMs;
  }

  /** Starts the worker now, so that its loading is not counted against what runs first. */
  async start(): Promise<void> {
    await this.ready();
  }

  async run(kind: RunKind, files: FileSet): Promise<Outcome> {
    return (await this.runBatch(kind, [files]))[0]!;
  }

  /** The outcome of each input, in order. */
  async runBatch(kind: RunKind, inputs: readonly FileSet[]): Promise<Outcome[]> {
    const outcomes: (Outcome | undefined)[] = inputs.map(() => undefined);
    for (let from = 0; from < inputs.length; ) {
      const part = await this.runPart(kind, inputs.slice(from));
      part.forEach((o, i) => { outcomes[from + i] = o; });
      // The first input without an outcome is where the worker was lost: everything from it on runs again.
      const lost = part.findIndex((o) => o === undefined);
      from = lost < 0 ? inputs.length : from + lost;
    }
    return outcomes as Outcome[];
  }

  /** Like run, but a hang is confirmed as runBatchConfirmed does. */
  async runConfirmed(kind: RunKind, files: FileSet, onSlow: () => void = () => undefined): Promise<Outcome> {
    return (await this.runBatchConfirmed(kind, [files], onSlow))[0]!;
  }

  /**
   * Like runBatch, but a hang counts only when a second run hangs too: on a loaded machine one
   * watchdog miss proves little. `onSlow` hears of inputs that finished the second time.
   */
  async runBatchConfirmed(kind: RunKind, inputs: readonly FileSet[], onSlow: () => void = () => undefined): Promise<Outcome[]> {
    const outcomes = await this.runBatch(kind, inputs);
    for (let i = 0; i < outcomes.length; i++) {
      const first = outcomes[i]!;
      if (first.kind !== 'hang') continue;
      const again = await this.run(kind, inputs[i]!);
      if (again.kind !== 'hang') onSlow();
      outcomes[i] = again.kind === 'hang' && again.frames.length < first.frames.length ? first : again;
    }
    return outcomes;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.then((w) => w.terminate(), () => undefined);
  }

  /**
   * Runs inputs until they are done or the worker is lost: then the input it was on gets its
   * hang or death, and those after it stay undefined (the caller runs them again).
   */
  private async runPart(kind: RunKind, inputs: readonly FileSet[]): Promise<(Outcome | undefined)[]> {
    if (this.running) throw new Error('Sandbox runs one batch at a time');
    const worker = await this.ready();
    const id = this.nextId++;
    const timeoutMs = scaledTimeout(this.timeoutMs);
    const outcomes: (Outcome | undefined)[] = inputs.map(() => undefined);
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const running: Running = {
        id,
        outcomes,
        left: inputs.length,
        end: () => {
          clearTimeout(timer);
          if (this.running === running) this.running = undefined;
          resolve();
        },
      };
      // Wakes when the input that was running at arming time would be over its time, and checks the one running now.
      const watch = (delayMs: number) => {
        timer = setTimeout(() => {
          if (this.running !== running) return;
          const now = this.progress.current();
          if (!now || now.batch !== id || Date.now() - now.startedMs < timeoutMs) {
            watch(now?.batch === id ? Math.max(1, now.startedMs + timeoutMs - Date.now()) : timeoutMs);
            return;
          }
          void this.stacks.stackOf(worker, STACK_TIMEOUT_MS).then((frames) => {
            if (this.running !== running) return;
            const still = this.progress.current();
            // It finished while its stack was taken: slow, not hung.
            if (still?.batch !== id || still.index !== now.index) {
              watch(1);
              return;
            }
            this.kill();
            outcomes[now.index] = { kind: 'hang', afterMs: timeoutMs, frames };
            running.end();
          });
        }, delayMs);
      };
      this.running = running;
      watch(timeoutMs);
      const batch: Batch = { id, kind, inputs };
      worker.postMessage(batch);
    });
    return outcomes;
  }

  /** The worker, started if needed; resolves once it has loaded, so loading never counts against the watchdog. */
  private ready(): Promise<Worker> {
    if (this.worker) return this.worker;
    const started: Promise<Worker> = new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(path.join(__dirname, 'sandboxWorker.ts'), {
        execArgv: ['--require', 'tsx/cjs'],
        resourceLimits: RESOURCE_LIMITS,
        workerData: { progress: this.progress.buffer } satisfies WorkerData,
      });
      worker.on('message', (message: WorkerMessage) => {
        if (message.kind !== 'result') {
          if (this.worker === started && message.cpuMs !== undefined) {
            if (message.kind === 'cpu') this.workerCpuMs += message.cpuMs - this.lastCpuMs;
            this.lastCpuMs = message.cpuMs;
          }
          if (message.kind === 'ready') resolve(worker);
          return;
        }
        const running = this.running;
        if (this.worker !== started || running?.id !== message.batch || running.outcomes[message.index] !== undefined) return;
        running.outcomes[message.index] = message.outcome;
        if (--running.left === 0) running.end();
      });
      // An error nobody caught inside the worker (an unhandled rejection, an out-of-memory) ends it: a finding of the input it was on.
      const gone = (why: string) => {
        reject(new Error(`fuzz worker failed to start: ${why}`));
        // A worker this sandbox killed (a hang) is already replaced; only the current one's death is news.
        if (this.worker !== started) return;
        this.worker = undefined;
        const running = this.running;
        if (!running) return;
        const now = this.progress.current();
        const index = now?.batch === running.id ? now.index : running.outcomes.findIndex((o) => o === undefined);
        if (index >= 0) running.outcomes[index] = { kind: 'died', message: why };
        running.end();
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
