import type { PlanErrorsFn } from './planSession';
import { errorSchemes, errorTableFromAnalysis } from './planErrorTable';
import type { PoolClient } from './poolClient';

/**
 * Per-candidate errors through the worker pool's analysis (one streamed pass per tensor, every
 * candidate's round trip, figures only: no histograms); the extension host never reads values.
 */
export function analysisErrors(pool: PoolClient, paths: readonly string[]): PlanErrorsFn {
  return async (model, types, onProgress, signal) => {
    const options = { schemes: errorSchemes(types), histogramBins: 1, tableOnly: true };
    const report = await pool.get().analyze(paths, options, { onProgress: (p) => onProgress(p.tensorsDone, p.tensorsTotal) }, signal);
    return errorTableFromAnalysis(model.tensors, report.tensors, types);
  };
}
