import type { Candidate } from '../core/plan/costModel';
import type { SweepProgress } from '../core/plan/errors/errorSweep';
import { modelErrors, type ModelErrors, type SweptModel } from '../core/plan/errors/modelErrors';
import { planErrorParams } from '../core/plan/errors/planErrorRequest';
import type { PlanTensor } from '../core/plan/planTypes';
import type { PoolClient } from './poolClient';

/** What the Plan tab asks to be priced: the CLI's modelErrors request, less what the document fixes (files, cache, runner). */
export interface PlanErrorsRequest {
  readonly model: SweptModel;
  /** The target whose candidate names the worker parses. */
  readonly target: string;
  readonly planned: (tensor: PlanTensor) => boolean;
  readonly candidatesOf: (tensor: PlanTensor) => readonly Candidate[];
  readonly bytesOf: (candidate: Candidate, tensor: PlanTensor) => number | null;
  readonly imatrixFile: string | null;
  readonly onProgress: (p: SweepProgress) => void;
  readonly signal: AbortSignal;
}

/** Computes (or reads from the cache) the relative error of every planned tensor under its candidates. */
export type PlanErrorsFn = (request: PlanErrorsRequest) => Promise<ModelErrors>;

/**
 * The errors as the CLI computes them (core modelErrors: imatrix weighting, the per-file cache in
 * `cacheDir`), each tensor priced by the worker pool's `planErrors` method, one tensor per thread.
 */
export function poolPlanErrors(pool: PoolClient, paths: readonly string[], cacheDir: string): PlanErrorsFn {
  return (request) => {
    const workers = pool.get();
    return modelErrors({
      paths, model: request.model, planned: request.planned, candidatesOf: request.candidatesOf, bytesOf: request.bytesOf,
      imatrixFile: request.imatrixFile, cacheDir, concurrency: workers.threads, signal: request.signal, onProgress: request.onProgress,
      run: (tensor, signal, onElements) => workers.planErrors(planErrorParams(paths, request.target, tensor), onElements, signal),
    });
  };
}
