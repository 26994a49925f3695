import type { AnalysisReport, QuantResult, TensorResult } from '../../shared/analysisTypes';
import { configLabel, varyingParts } from './configs';

type Cell = string | number | boolean | null | undefined;

/** One column: header name and how a (tensor, result) row fills it. */
const COLUMNS: readonly (readonly [string, (t: TensorResult, r: QuantResult) => Cell])[] = [
  ['tensor', (t) => t.name],
  ['dtype', (t) => t.dtype],
  ['shape', (t) => t.shape.join('x')],
  ['numel', (t) => t.numel],
  ['min', (t) => t.stats.min],
  ['max', (t) => t.stats.max],
  ['abs_max', (t) => t.stats.absMax],
  ['mean', (t) => t.stats.mean],
  ['std', (t) => t.stats.std],
  ['non_finite', (t) => t.stats.nonFinite],
  ['kind', (_, r) => r.kind],
  ['bits', (_, r) => (r.kind === 'int' ? r.bits : null)],
  ['mode', (_, r) => (r.kind === 'int' ? r.mode : null)],
  ['granularity', (_, r) => (r.kind === 'int' ? r.granularity : null)],
  ['group_size', (_, r) => (r.kind === 'int' ? r.groupSize : null)],
  ['range', (_, r) => (r.kind === 'int' ? r.range : null)],
  ['convention', (_, r) => (r.kind === 'int' ? r.convention : null)],
  ['format', (_, r) => (r.kind === 'format' ? r.format : null)],
  ['bits_per_weight', (_, r) => (r.kind === 'format' ? r.bitsPerWeight : r.bits)],
  ['scale', (_, r) => (r.kind === 'int' ? r.scale : null)],
  ['zero_point', (_, r) => (r.kind === 'int' ? r.zeroPoint : null)],
  ['degenerate', (_, r) => (r.kind === 'int' ? r.degenerate : null)],
  ['clipped_pct', (_, r) => (r.kind === 'int' ? r.clippedPct : null)],
  ['mse', (_, r) => r.mse],
  ['rmse', (_, r) => r.rmse],
  ['max_abs_err', (_, r) => r.maxAbsErr],
  ['mean_rel_err_pct', (_, r) => r.meanRelErrPct],
  ['sqnr_db', (_, r) => r.sqnrDb],
  ['cosine', (_, r) => r.cosine],
  ['err_p50', (_, r) => r.errP50],
  ['err_p95', (_, r) => r.errP95],
  ['err_p99', (_, r) => r.errP99],
];

/** RFC 4180: quote a cell holding a comma, quote or line break; empty for null and non-finite numbers. */
function cell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `analyze --csv`: a header, then one row per tensor and configuration (CRLF line ends, per RFC 4180). */
export function renderCsv(report: AnalysisReport): string {
  const parts = varyingParts(report);
  const header = ['config', ...COLUMNS.map(([name]) => name)];
  const rows = report.tensors.flatMap((t) =>
    t.results.map((r) => [configLabel(r, { granularity: true, range: parts.range, convention: parts.convention }), ...COLUMNS.map(([, get]) => get(t, r))]),
  );
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
