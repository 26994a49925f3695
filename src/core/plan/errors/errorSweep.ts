/**
 * The errors a plan needs: every planned tensor under every type asked for, from the cache where
 * it has them, else computed by `run` (a worker pool in the CLI and extension, in-process in
 * tests), `concurrency` at a time, in parts (errorParts.ts), largest parts first so the threads
 * end together. Cancelling keeps the tensors whose parts were all computed.
 */
import { CancelledError } from '../../errors';
import { hfToGguf } from '../../naming/hfGguf';
import { errorKeyOf, type Candidate } from '../costModel';
import type { PlanTensor } from '../planTypes';
import { storedTransposed } from '../targets/openTargetModel';
import type { ErrorCache, ErrorCacheKey } from './errorCache';
import { isExactCopy, type ErrorTable } from './errorTable';
import { errorParts } from './errorParts';
import { addErrorSums, relErrorsOf, type ErrorSource, type TensorErrorRequest, type TensorErrorSums } from './tensorErrors';

/** Computes the error sums of one tensor or part of it (tensorErrorSums); `onElements` reports elements read so far (cumulative). */
export type ErrorRunner = (request: TensorErrorRequest, signal: AbortSignal, onElements: (done: number) => void) => Promise<TensorErrorSums>;

/** One request of a sweep: a tensor or part of one, and its values. */
export interface ErrorPart {
  readonly request: TensorErrorRequest;
  readonly values: number;
}

export interface SweepProgress {
  readonly elementsDone: number;
  readonly elementsTotal: number;
  readonly tensorsDone: number;
  readonly tensorsTotal: number;
  /** Tensors whose errors all came from the cache. */
  readonly cachedTensors: number;
}

export interface SweepOptions {
  readonly concurrency: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SweepProgress) => void;
  readonly cache?: { readonly cache: ErrorCache; readonly key: ErrorCacheKey } | null;
  /** Values per part (errorParts.ts's PART_VALUES unless a test cuts smaller). */
  readonly partValues?: number;
}

/** The tensor(s) of the input file a planned tensor is read from; Hugging Face experts are one source each. */
export function sourcesOf(tensor: PlanTensor, architecture: string): ErrorSource[] {
  if (tensor.sourceNames === undefined) return [{ name: tensor.name, matrixOffset: 0, ...(storedTransposed(tensor) ? { transposed: true } : {}) }];
  return tensor.sourceNames.map((name) => ({ name, matrixOffset: hfToGguf(name, architecture)?.expert ?? 0 }));
}

export async function sweepErrors(
  tensors: readonly { readonly tensor: PlanTensor; readonly sources: readonly ErrorSource[] }[],
  /** The candidates to price for each tensor (the solver's set, plus what presets or a refit plan chose for it). */
  candidatesOf: (tensor: PlanTensor) => readonly Candidate[],
  bytesOf: (candidate: Candidate, tensor: PlanTensor) => number | null,
  weights: ReadonlyMap<string, Float32Array> | null,
  run: ErrorRunner,
  options: SweepOptions,
): Promise<ErrorTable> {
  const relErr: Record<string, Record<string, number>> = options.cache ? await options.cache.cache.load(options.cache.key) : {};
  const work = tensors
    .map(({ tensor, sources }) => {
      const known = relErr[tensor.name] ?? {};
      const candidates = candidatesOf(tensor);
      const missing = candidates.filter((c, k) => candidates.findIndex((o) => errorKeyOf(o) === errorKeyOf(c)) === k
        && !isExactCopy(c, tensor) && bytesOf(c, tensor) !== null && known[errorKeyOf(c)] === undefined);
      return { tensor, sources, missing };
    })
    .filter((w) => w.missing.length > 0)
    .sort((a, b) => b.tensor.numel - a.tensor.numel);
  const parts = work.map((w) => errorParts({ sources: w.sources, tensor: w.tensor, candidates: w.missing, weights: weights?.get(w.tensor.name) ?? null }, options.partValues));
  const sums = parts.map((p) => new Array<TensorErrorSums | undefined>(p.length));
  const pending = parts.map((p) => p.length);
  const tasks = parts
    .flatMap((p, tensor) => p.map((part, index) => ({ ...part, tensor, index })))
    .sort((a, b) => b.values - a.values);
  const elementsTotal = tasks.reduce((n, t) => n + t.values, 0);
  const cachedTensors = tensors.length - work.length;
  const progressOf = new Array<number>(tasks.length).fill(0);
  let elementsDone = 0;
  let tensorsDone = cachedTensors;
  const report = (): void => options.onProgress?.({ elementsDone, elementsTotal, tensorsDone, tensorsTotal: tensors.length, cachedTensors });
  report();
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) controller.abort();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      if (controller.signal.aborted) throw new CancelledError();
      const k = next++;
      const task = tasks[k]!;
      const got = await run(task.request, controller.signal, (done) => {
        elementsDone += done - progressOf[k]!;
        progressOf[k] = done;
        report();
      });
      elementsDone += task.values - progressOf[k]!;
      progressOf[k] = task.values;
      sums[task.tensor]![task.index] = got;
      if (--pending[task.tensor]! === 0) {
        const name = work[task.tensor]!.tensor.name;
        // the parts added in their order, whichever finished first
        relErr[name] = { ...relErr[name], ...relErrorsOf(addErrorSums(sums[task.tensor] as TensorErrorSums[])) };
        tensorsDone++;
      }
      report();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, work.length)) }, async () => {
      try {
        await worker();
      } catch (e) {
        controller.abort(); // one failure stops the others
        throw e;
      }
    }));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (options.cache && work.length > 0) await options.cache.cache.save(options.cache.key, relErr);
  }
  return { weighted: weights !== null, relErr };
}
