/**
 * The errors a plan needs: every planned tensor under every type asked for, from the cache where
 * it has them, else computed by `run` (a worker pool in the CLI and extension, in-process in
 * tests), largest tensors first, `concurrency` at a time. Cancelling keeps what was computed.
 */
import { CancelledError } from '../../errors';
import { hfToGguf } from '../../naming/hfGguf';
import { errorKeyOf, type Candidate } from '../costModel';
import type { PlanTensor } from '../planTypes';
import { storedTransposed } from '../targets/openTargetModel';
import type { ErrorCache, ErrorCacheKey } from './errorCache';
import { isExactCopy, type ErrorTable } from './errorTable';
import type { ErrorSource, TensorErrorRequest, TensorRelErrors } from './tensorErrors';

/** Computes one tensor's errors; `onElements` reports elements read so far (cumulative). */
export type ErrorRunner = (request: TensorErrorRequest, signal: AbortSignal, onElements: (done: number) => void) => Promise<TensorRelErrors>;

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
  const elementsTotal = work.reduce((n, w) => n + w.tensor.numel, 0);
  const cachedTensors = tensors.length - work.length;
  const progressOf = new Map<string, number>();
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
    while (next < work.length) {
      if (controller.signal.aborted) throw new CancelledError();
      const w = work[next++]!;
      const request: TensorErrorRequest = { sources: w.sources, tensor: w.tensor, candidates: w.missing, weights: weights?.get(w.tensor.name) ?? null };
      const got = await run(request, controller.signal, (done) => {
        elementsDone += done - (progressOf.get(w.tensor.name) ?? 0);
        progressOf.set(w.tensor.name, done);
        report();
      });
      relErr[w.tensor.name] = { ...relErr[w.tensor.name], ...got };
      elementsDone += w.tensor.numel - (progressOf.get(w.tensor.name) ?? 0);
      progressOf.set(w.tensor.name, w.tensor.numel);
      tensorsDone++;
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
