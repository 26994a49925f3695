import { estimateModel } from '../../core/analysis/progressive/estimateModel';
import { openModel } from '../../core/formats/registry';
import { renderEstimateTable } from '../../core/report/estimateTable';
import type { AnalysisOptions } from '../../shared/analysisTypes';

/** `analyze --progressive`: the first estimate of every tensor the analysis covers, as a table (read in this process: a few MB). */
export async function estimateText(paths: readonly string[], options: AnalysisOptions, tensors: string | undefined): Promise<string> {
  const started = performance.now();
  const model = await openModel(paths);
  try {
    const estimates = await estimateModel(model, options, tensors, () => undefined);
    const schemes = options.schemes;
    const distinct = (f: (s: (typeof schemes)[number]) => unknown): boolean => new Set(schemes.filter((s) => s.kind === 'int').map(f)).size > 1;
    const parts = {
      granularity: distinct((s) => (s.kind === 'int' ? `${s.granularity}${s.groupSize ?? ''}` : '')),
      range: distinct((s) => (s.kind === 'int' ? s.range : '')),
      convention: distinct((s) => (s.kind === 'int' ? s.convention : '')),
    };
    return renderEstimateTable(model.file, estimates, parts, performance.now() - started);
  } finally {
    await model.close();
  }
}
