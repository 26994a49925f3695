import { renderEstimateTable } from '../../core/report/estimateTable';
import type { AnalysisOptions } from '../../shared/analysisTypes';
import type { AnalysisPool } from '../../worker/host/pool';

/** `analyze --progressive`: the first estimate of every tensor the analysis covers, as a table (a few MB read, over the pool's threads). */
export async function estimateText(pool: AnalysisPool, paths: readonly string[], options: AnalysisOptions, tensors: string | undefined): Promise<string> {
  const started = performance.now();
  const [estimates, model] = await Promise.all([pool.estimate(paths, tensors === undefined ? options : { ...options, tensors }), pool.inspect(paths)]);
  const schemes = options.schemes;
  const distinct = (f: (s: (typeof schemes)[number]) => unknown): boolean => new Set(schemes.filter((s) => s.kind === 'int').map(f)).size > 1;
  const parts = {
    granularity: distinct((s) => (s.kind === 'int' ? `${s.granularity}${s.groupSize ?? ''}` : '')),
    range: distinct((s) => (s.kind === 'int' ? s.range : '')),
    convention: distinct((s) => (s.kind === 'int' ? s.convention : '')),
  };
  return renderEstimateTable(model.file, estimates, parts, performance.now() - started);
}
