import type { AnalysisReport, TensorResult } from '../../shared/analysisTypes';

/** JSON never holds NaN or Infinity (CLI.md): a non-finite number becomes null. */
function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

/** CLI.md's fields first, in its order, so a person reading the file finds them where the spec shows them. */
function tensorJson(t: TensorResult): Record<string, unknown> {
  const { name, dtype, shape, numel, stats, results, ...rest } = t;
  return { name, dtype, shape, numel, stats, results, ...rest };
}

/** The `analyze --json` document: one line, newline-terminated. */
export function renderJson(report: AnalysisReport): string {
  const { file, format, convention, tensors, skipped, ...rest } = report;
  const doc = { file, format, convention, tensors: tensors.map(tensorJson), skipped, ...rest };
  return JSON.stringify(doc, finiteOrNull) + '\n';
}
