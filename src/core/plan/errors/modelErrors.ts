/**
 * Everything a plan's predictions need, for one model: the imatrix (read and matched to the
 * model), then the error of every planned tensor under every candidate, from the cache or
 * computed by the runner. The CLI and the VS Code Plan view both start here.
 */
import type { Candidate } from '../costModel';
import { matchImatrix } from '../imatrix/matchImatrix';
import type { Imatrix } from '../imatrix/imatrixTypes';
import { readImatrix } from '../imatrix/readImatrix';
import type { PlanTensor } from '../planTypes';
import { ErrorCache, errorCacheKey } from './errorCache';
import { sourcesOf, sweepErrors, type ErrorRunner, type SweepProgress } from './errorSweep';
import type { ErrorTable } from './errorTable';

/**
 * The model as the sweep reads it: its tensors as planned, and the architecture that names a
 * Hugging Face model's experts in GGUF terms (a LlamaModel is one; the other targets plan the
 * file's own tensors, none merged, so their architecture names nothing).
 */
export interface SweptModel {
  readonly tensors: readonly PlanTensor[];
  readonly facts: { readonly architecture: string };
}

export interface ModelErrorsRequest {
  readonly paths: readonly string[];
  readonly model: SweptModel;
  /** Tensors whose errors are needed (the planned ones). */
  readonly planned: (tensor: PlanTensor) => boolean;
  /** The candidates to price for each planned tensor. */
  readonly candidatesOf: (tensor: PlanTensor) => readonly Candidate[];
  /** The target's stored size (null: the candidate cannot store the tensor, so it needs no error). */
  readonly bytesOf: (candidate: Candidate, tensor: PlanTensor) => number | null;
  readonly imatrixFile: string | null;
  /** Where errors are cached; null: not cached. */
  readonly cacheDir: string | null;
  readonly run: ErrorRunner;
  readonly concurrency: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SweepProgress) => void;
}

export interface ModelErrors {
  readonly table: ErrorTable;
  readonly imatrix: Imatrix | null;
}

export async function modelErrors(request: ModelErrorsRequest): Promise<ModelErrors> {
  const { model } = request;
  const imatrix = request.imatrixFile === null ? null : await readImatrix(request.imatrixFile);
  const weights = imatrix === null ? null : matchImatrix(imatrix, model.tensors);
  const tensors = model.tensors.filter(request.planned).map((tensor) => ({ tensor, sources: sourcesOf(tensor, model.facts.architecture) }));
  const cache = request.cacheDir === null ? null : { cache: new ErrorCache(request.cacheDir), key: await errorCacheKey(request.paths, request.imatrixFile) };
  const table = await sweepErrors(tensors, request.candidatesOf, request.bytesOf, weights, request.run, {
    concurrency: request.concurrency, cache,
    ...(request.signal ? { signal: request.signal } : {}),
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
  return { table, imatrix };
}
