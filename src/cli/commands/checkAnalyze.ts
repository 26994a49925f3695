import type { AnalysisReport } from '../../shared/analysisTypes';
import { AnalysisPool } from '../../worker/host/pool';
import { parseAnalyzeFlags } from './analyzeOptions';

/** The analyze flags `check MODEL` takes, as analyze names them (CLI.md: check runs analyze with thresholds). */
export const CHECK_ANALYZE_FLAGS = ['bits', 'mode', 'granularity', 'group-size', 'axis', 'range', 'convention', 'formats', 'tensors', 'threads'] as const;

export type CheckAnalyzeFlags = Partial<Record<(typeof CHECK_ANALYZE_FLAGS)[number], string>>;

/** Runs analyze on a model in the worker pool, table figures only (what the gates read). */
export async function analyzeForCheck(workerScript: string, file: string, flags: CheckAnalyzeFlags): Promise<AnalysisReport> {
  const request = parseAnalyzeFlags({ ...flags, histograms: false, reportFlags: [] });
  const pool = new AnalysisPool(request.threads === undefined ? { workerScript } : { workerScript, threads: request.threads });
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    const options = request.tensors === undefined ? request.options : { ...request.options, tensors: request.tensors };
    return await pool.analyze([file], options, {}, interrupt.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
    await pool.dispose();
  }
}
