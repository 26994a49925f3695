import * as os from 'node:os';
import * as path from 'node:path';
import { buildReport, planAnalysis, runPlan } from '../../core/analysis/runAnalysis';
import { CancelledError, UsageError } from '../../core/errors';
import { versionOf } from '../../core/io/fileIdentity';
import type {
  AnalysisOptions, AnalysisProgress, AnalysisReport, ModelSummary, TensorResult, TensorSummary,
} from '../../shared/analysisTypes';
import type { CompareMapping, CompareOutcome, PairHistograms, PairSpec } from '../../shared/compareTypes';
import type { TensorEstimate } from '../../shared/estimateTypes';
import type { PlanErrorParams, PlanErrorResult } from '../../shared/planErrorProtocol';
import type { BlockRequest, BlockStats } from '../../shared/webviewProtocol';
import type { MethodParams, MethodResult, WorkerMethod } from '../../shared/workerProtocol';
import { WorkerCrashedError } from '../errors';
import { WorkerSlot } from './workerSlot';
import { mergeErrorSums, mergeStatsSums, PART_ELEMENTS, splitPlan, splitResult, type SplitPlan } from '../../core/analysis/engine/tensorParts';
import { compileKernelsFile, KERNELS_WASM_FILE, type KernelModule } from '../../core/analysis/engine/wasmKernels';
import type { WorkerStart } from '../workerStart';

/**
 * How long a cancelled tensor may take to acknowledge before its thread is terminated and replaced.
 * Analysis yields between chunks far more often; this bounds a stuck read or an unyielding kernel.
 */
const CANCEL_GRACE_MS = 150;

/** Threads beyond this buy nothing for a memory-bound scan and cost ~10 MB of heap each. */
const MAX_THREADS = 64;

export interface AnalysisPoolOptions {
  /** Path of the built worker entry (dist/worker.js). */
  readonly workerScript: string;
  /** Worker threads; default os.availableParallelism(). */
  readonly threads?: number;
  /** Elements per part of a tensor split across threads (PART_ELEMENTS; tests split small tensors). */
  readonly partElements?: number;
  /** The kernels to hand every thread; default: kernels.wasm next to the worker script, compiled once here. */
  readonly kernels?: KernelModule | null;
}

export interface AnalyzeHooks {
  onTensor?(r: TensorResult): void;
  onProgress?(p: AnalysisProgress): void;
}

/**
 * Worker threads that analyse tensors in parallel, for the CLI and the extension host alike.
 * Each thread opens the model itself (headers only, cached) and analyses whole tensors by name.
 * Threads start on first use; a thread that dies is replaced on the next request.
 */
export class AnalysisPool {
  readonly threads: number;
  private readonly workerScript: string;
  /** What every thread starts with: the kernels compiled once for the pool's lifetime (threads replaced included). */
  private readonly start: WorkerStart;
  /** 0: no tensor is split (the TypeScript reference kernels have no part passes). */
  private readonly partElements: number;
  private readonly slots: WorkerSlot[] = [];
  /** Heavy requests waiting for a thread without one. */
  private readonly waiting: Array<{ grant(slot: WorkerSlot): void; fail(error: Error): void }> = [];
  private disposed = false;

  constructor(opts: AnalysisPoolOptions) {
    const threads = opts.threads ?? os.availableParallelism();
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
      throw new UsageError(`threads must be an integer from 1 to ${MAX_THREADS}, got ${threads}`);
    }
    this.threads = threads;
    this.workerScript = opts.workerScript;
    const kernels = opts.kernels !== undefined ? opts.kernels : compileKernelsFile(path.join(path.dirname(opts.workerScript), KERNELS_WASM_FILE));
    this.start = { kernels };
    this.partElements = kernels === null ? 0 : opts.partElements ?? PART_ELEMENTS;
  }

  /** Requests in flight on all threads (0 once every analysis has settled and no small request is pending). */
  get activeRequests(): number {
    return this.slots.reduce((n, s) => n + s.load, 0);
  }

  /** Headers only: the tensor list of a model. */
  inspect(paths: readonly string[]): Promise<ModelSummary> {
    return this.light('inspect', { paths });
  }

  /**
   * The progressive first estimate of every tensor `analyze` would cover (a few MB read), the
   * tensors shared out over every thread (each estimate is independent), in file order.
   */
  async estimate(paths: readonly string[], options: AnalysisOptions & { tensors?: string }, signal?: AbortSignal): Promise<TensorEstimate[]> {
    const { tensors: filter, ...analysisOptions } = options;
    const stop = signal ?? new AbortController().signal;
    const common = { paths, options: analysisOptions, ...(filter === undefined ? {} : { tensors: filter }) };
    const count = this.threads;
    const [model, shares] = await Promise.all([
      this.light('inspect', { paths }, signal),
      allOrStop(stop, (s) => Array.from({ length: count }, (_, index) =>
        this.heavy('estimateTensors', { ...common, share: { index, count } }, s, () => undefined))),
    ]);
    const order = planAnalysis(model.tensors, filter).fileOrder;
    return shares.flat().sort((a, b) => order.get(a.name)! - order.get(b.name)!);
  }

  /**
   * Analyses every float tensor of the model (or those whose name matches `options.tensors`),
   * largest first over all threads. Settles only when no analysis of this run is left on any thread:
   * a cancelled run rejects with CancelledError once its threads have stopped (cancelled while the
   * headers are read, e.g. while the threads start, it rejects at once and the read ends on its own).
   */
  async analyze(
    paths: readonly string[],
    options: AnalysisOptions & { tensors?: string },
    hooks: AnalyzeHooks,
    signal?: AbortSignal,
  ): Promise<AnalysisReport> {
    const { tensors: filter, ...analysisOptions } = options;
    if (signal?.aborted) throw new CancelledError();
    // Every request of this run reads the files as they are now, or fails (none mixes two versions).
    const { version, model } = await unlessAborted(signal, (async () => {
      const version = await versionOf(paths);
      return { version, model: await this.light('inspect', { paths, version }) };
    })());
    const plan = planAnalysis(model.tensors, filter);
    const results = await runPlan(
      plan,
      (tensor, stop, onElements) => {
        const split = this.partElements > 0 ? splitPlan(tensor, analysisOptions, this.partElements) : null;
        return split
          ? this.analyzeInParts(paths, version, tensor, analysisOptions, split, stop, onElements)
          : this.heavy('analyzeTensor', { paths, version, tensor: tensor.name, options: analysisOptions }, stop, onElements);
      },
      this.threads,
      hooks,
      signal,
    );
    return buildReport(model, analysisOptions, results, plan.skipped);
  }

  /**
   * One large tensor over all threads: pass 1 of every part, the sums merged, then pass 2 of every
   * part (tensorParts.ts). Progress counts each pass of a part as half its elements.
   */
  private async analyzeInParts(
    paths: readonly string[], version: string, tensor: TensorSummary, options: AnalysisOptions, split: SplitPlan, stop: AbortSignal, onElements: (done: number) => void,
  ): Promise<TensorResult> {
    const done = split.parts.map(() => 0);
    const progress = (i: number, pass: number) => (n: number): void => {
      const { from, to } = split.parts[i]!;
      done[i] = Math.floor((pass * (to - from) + n) / 2);
      onElements(done.reduce((a, b) => a + b, 0));
    };
    const common = { paths, version, tensor: tensor.name, options };
    const stats = mergeStatsSums(await allOrStop(stop, (signal) => split.parts.map((range, i) =>
      this.heavy('analyzePartStats', { ...common, range }, signal, progress(i, 0)))));
    const errors = mergeErrorSums(await allOrStop(stop, (signal) => split.parts.map((range, i) =>
      this.heavy('analyzePartErrors', { ...common, range, sums: stats }, signal, progress(i, 1)))));
    return splitResult(tensor, options, split, stats, errors);
  }

  /**
   * Per-channel or per-group ranges of one tensor: one pass over its values on the least busy
   * thread, interleaved with any analysis there. `signal` stops it (the thread lives on).
   */
  blockStats(paths: readonly string[], request: BlockRequest, signal?: AbortSignal): Promise<BlockStats> {
    return this.light('blockStats', { paths, request }, signal);
  }

  /**
   * One tensor analysed with the options given (the Tensor tab's histograms of one configuration) on
   * the least busy thread, interleaved with any analysis there. `signal` stops it (the thread lives on).
   */
  analyzeOne(paths: readonly string[], tensor: string, options: AnalysisOptions, signal?: AbortSignal): Promise<TensorResult> {
    return this.light('analyzeTensor', { paths, tensor, options }, signal);
  }

  /**
   * Pairs and measures two models (CLI.md `compare`) on one thread of its own; `onElements` gets the
   * candidate's elements read so far. `stop` cancels it (the thread is replaced if it does not stop soon).
   */
  compare(
    reference: readonly string[], candidate: readonly string[], mapping: CompareMapping,
    onElements: (done: number) => void, stop: AbortSignal,
  ): Promise<CompareOutcome> {
    return this.heavy('compare', { reference, candidate, mapping }, stop, onElements);
  }

  /** One planned tensor's relative error under each candidate (a plan's error sweep), on a thread of its own. */
  planErrors(params: PlanErrorParams, onElements: (done: number) => void, stop: AbortSignal): Promise<PlanErrorResult> {
    return this.heavy('planErrors', params, stop, onElements);
  }

  /** Histograms of one compared pair (reference, candidate, error), computed in a thread. */
  compareHistograms(reference: readonly string[], candidate: readonly string[], mapping: CompareMapping, pair: PairSpec, bins: number, stop: AbortSignal): Promise<PairHistograms> {
    return this.heavy('compareHistograms', { reference, candidate, mapping, pair, bins }, stop, () => undefined);
  }

  /** Terminates every thread; pending and later requests fail. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const reason = new WorkerCrashedError('analysis pool disposed');
    for (const w of this.waiting.splice(0)) w.fail(reason);
    await Promise.all(this.slots.splice(0).map((s) => s.terminate(reason)));
  }

  /**
   * A request that shares a thread: goes to the least busy live thread, interleaving with its analysis.
   * Cancelling only asks the worker to stop (never terminates: the thread's other requests go on).
   */
  private async light<M extends WorkerMethod>(method: M, params: MethodParams<M>, signal?: AbortSignal): Promise<MethodResult<M>> {
    if (this.disposed) throw new WorkerCrashedError('analysis pool disposed');
    if (signal?.aborted) throw new CancelledError();
    const live = this.slots.filter((s) => s.isAlive);
    const slot = live.length > 0 ? live.reduce((a, b) => (b.load < a.load ? b : a)) : this.spawn();
    const call = slot.call(method, params);
    const onAbort = (): void => slot.cancel(call.id);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await call.result;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** A CPU-bound request: waits for a thread that runs no other, and is cancelled by `stop`. */
  private async heavy<M extends WorkerMethod>(
    method: M,
    params: MethodParams<M>,
    stop: AbortSignal,
    onProgress: (elementsDone: number) => void,
  ): Promise<MethodResult<M>> {
    const slot = await this.acquire(stop);
    try {
      return await this.callCancellable(slot, method, params, stop, onProgress);
    } finally {
      slot.heavy = false;
      this.pump();
    }
  }

  private async callCancellable<M extends WorkerMethod>(
    slot: WorkerSlot,
    method: M,
    params: MethodParams<M>,
    stop: AbortSignal,
    onProgress: (elementsDone: number) => void,
  ): Promise<MethodResult<M>> {
    const call = slot.call(method, params, onProgress);
    let grace: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      slot.cancel(call.id);
      grace = setTimeout(() => void slot.terminate(new CancelledError()), CANCEL_GRACE_MS);
    };
    if (stop.aborted) onAbort();
    else stop.addEventListener('abort', onAbort, { once: true });
    try {
      return await call.result;
    } finally {
      stop.removeEventListener('abort', onAbort);
      clearTimeout(grace);
    }
  }

  private acquire(stop: AbortSignal): Promise<WorkerSlot> {
    if (this.disposed) return Promise.reject(new WorkerCrashedError('analysis pool disposed'));
    if (stop.aborted) return Promise.reject(new CancelledError());
    const free = this.freeSlot();
    if (free) {
      free.heavy = true;
      return Promise.resolve(free);
    }
    return new Promise<WorkerSlot>((resolve, reject) => {
      const waiter = {
        grant: (slot: WorkerSlot): void => {
          stop.removeEventListener('abort', onAbort);
          slot.heavy = true;
          resolve(slot);
        },
        fail: (error: Error): void => {
          stop.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = (): void => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(new CancelledError());
      };
      stop.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /** A live thread without a heavy request, starting one if the pool is not full. */
  private freeSlot(): WorkerSlot | undefined {
    const idle = this.slots.find((s) => s.isAlive && !s.heavy);
    if (idle) return idle;
    return this.slots.length < this.threads ? this.spawn() : undefined;
  }

  /** Hands freed (or newly spawnable) threads to waiting heavy requests, in arrival order. */
  private pump(): void {
    while (this.waiting.length > 0 && !this.disposed) {
      const slot = this.freeSlot();
      if (!slot) return;
      this.waiting.shift()!.grant(slot);
    }
  }

  private spawn(): WorkerSlot {
    const slot = new WorkerSlot(this.workerScript, this.start, (dead) => {
      const i = this.slots.indexOf(dead);
      if (i >= 0) this.slots.splice(i, 1);
      this.pump();
    });
    this.slots.push(slot);
    return slot;
  }
}

/** `work`'s outcome, or CancelledError as soon as `signal` fires (then `work` settles unobserved). */
function unlessAborted<T>(signal: AbortSignal | undefined, work: Promise<T>): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new CancelledError());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Every promise of `start(signal)`, settled: the first failure aborts `signal` for the others and is
 * what rejects, once all have stopped (no part of a run is left on a thread). `outer` aborts it too.
 */
async function allOrStop<T>(outer: AbortSignal, start: (signal: AbortSignal) => Promise<T>[]): Promise<T[]> {
  const stop = new AbortController();
  const onOuterAbort = (): void => stop.abort();
  outer.addEventListener('abort', onOuterAbort, { once: true });
  if (outer.aborted) stop.abort();
  let failure: { readonly reason: unknown } | null = null;
  try {
    const settled = await Promise.allSettled(start(stop.signal).map((p) => p.catch((e: unknown) => {
      failure ??= { reason: e };
      stop.abort();
      throw e;
    })));
    if (failure) throw (failure as { readonly reason: unknown }).reason;
    return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
  } finally {
    outer.removeEventListener('abort', onOuterAbort);
  }
}
