import type { AnalysisReport, QuantResult, TensorResult } from '../../shared/analysisTypes';
import { configLabel, modelTotals, varyingParts, type LabelParts } from './configs';
import * as fmt from './numbers';
import { alignColumns, type Align } from './textTable';

export interface TableOptions {
  /** ANSI colours (a TTY without NO_COLOR). */
  readonly color: boolean;
  /** Wall time of the analysis, for the header line. */
  readonly elapsedMs?: number;
}

/** SQNR below these is shown as a warning: about 3 and 1.7 significant bits left. */
const SQNR_POOR_DB = 20;
const SQNR_BAD_DB = 10;

/** Skipped tensors named in full up to this many; the rest are counted. */
const SKIPPED_NAMED = 5;

const PER_LAYER_HEADER = ['layer', 'shape', 'weight range', 'config', 'MSE', 'rel. error', 'SQNR', 'max error'];
const PER_LAYER_ALIGN: Align[] = ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right'];
const TOTALS_HEADER = ['config', 'MSE', 'rel. error', 'SQNR', 'max error'];
const TOTALS_ALIGN: Align[] = ['left', 'right', 'right', 'right', 'right'];

/** The default `analyze` output: per-layer error table, then the whole-model comparison per config. */
export function renderTable(report: AnalysisReport, options: TableOptions): string {
  const style = styles(options.color);
  const parts = varyingParts(report);
  const values = report.tensors.reduce((n, t) => n + t.numel, 0);
  const time = options.elapsedMs === undefined ? '' : ` · ${(options.elapsedMs / 1000).toFixed(2)} s`;
  const lines = [
    style.bold(report.file) + style.dim(` (${report.format}) · ${fmt.plural(report.tensors.length, 'tensor')} · ${fmt.plural(values, 'value')}${time}`),
  ];
  const common = commonSettings(report, parts);
  if (common) lines.push(style.dim(common));

  if (report.tensors.length > 0) {
    lines.push('', style.bold('Per layer'));
    const rows = report.tensors.map((t) => layerRows(t, parts, style));
    const aligned = alignColumns([PER_LAYER_HEADER.map(style.dim), ...rows.flat()], PER_LAYER_ALIGN);
    lines.push(aligned[0]!);
    // A blank line between layers when each has several rows, so the eye finds where one ends.
    const spaced = rows.some((r) => r.length > 1);
    let at = 1;
    for (const r of rows) {
      if (spaced && at > 1) lines.push('');
      lines.push(...aligned.slice(at, at + r.length));
      at += r.length;
    }
    lines.push(...notApplicableNotes(report).map(style.dim));

    const totals = modelTotals(report.tensors);
    // When a config skipped some tensors (n/a), say how many values each one covers.
    const uneven = new Set(totals.map((c) => c.elements)).size > 1;
    const covered = uneven ? '' : `, ${fmt.plural(totals[0]?.elements ?? 0, 'finite value')}`;
    lines.push('', style.bold('Bit-width comparison') + style.dim(` (whole model${covered})`));
    const totalRows = totals.map((c) => [
      configLabel(c.example, parts), fmt.sci(c.mse), fmt.pct(c.meanRelErrPct), style.sqnr(c.sqnrDb), fmt.sci(c.maxAbsErr),
      ...(uneven ? [fmt.count(c.elements)] : []),
    ]);
    const header = uneven ? [...TOTALS_HEADER, 'values'] : TOTALS_HEADER;
    lines.push(...alignColumns([header.map(style.dim), ...totalRows], [...TOTALS_ALIGN, 'right']));
  }
  if (report.skipped.length > 0) {
    const named = report.skipped.slice(0, SKIPPED_NAMED).map((s) => `${s.name} (${s.dtype}, ${s.reason})`);
    const more = report.skipped.length > SKIPPED_NAMED ? `, and ${report.skipped.length - SKIPPED_NAMED} more` : '';
    lines.push('', style.dim(`Skipped ${report.skipped.length}: ${named.join(', ')}${more}`));
  }
  return lines.join('\n') + '\n';
}

function layerRows(t: TensorResult, parts: LabelParts, style: Styles): string[][] {
  const nonFinite = t.stats.nonFinite > 0 ? ` +${fmt.count(t.stats.nonFinite)} non-finite` : '';
  const lead = [t.name, fmt.shape(t.shape), fmt.range(t.stats.min, t.stats.max) + nonFinite];
  const cells = [
    ...t.results.map((r) => resultCells(r, parts, style)),
    ...(t.notApplicable ?? []).map((n) => [configLabel(n.scheme, parts), style.dim('n/a')]),
  ];
  if (cells.length === 0) return [lead];
  return cells.map((c, i) => [...(i === 0 ? lead : ['', '', '']), ...c]);
}

function resultCells(r: QuantResult, parts: LabelParts, style: Styles): string[] {
  const degenerate = r.kind === 'int' && r.degenerate ? style.dim(' (scale 0)') : '';
  return [configLabel(r, parts) + degenerate, fmt.sci(r.mse), fmt.pct(r.meanRelErrPct), style.sqnr(r.sqnrDb), fmt.sci(r.maxAbsErr)];
}

/** One line per reason a scheme did not apply, naming the tensors (n/a cells of the table). */
function notApplicableNotes(report: AnalysisReport): string[] {
  const byReason = new Map<string, Set<string>>();
  for (const t of report.tensors) {
    for (const n of t.notApplicable ?? []) {
      // The reason names the tensor's own rank or shape; what they share is the text before the parenthesis.
      const reason = n.reason.replace(/\s*\(.*\)$/, '');
      byReason.set(reason, (byReason.get(reason) ?? new Set()).add(t.name));
    }
  }
  return [...byReason].map(([reason, names]) => {
    const list = [...names];
    const shown = list.slice(0, SKIPPED_NAMED).join(', ') + (list.length > SKIPPED_NAMED ? `, and ${list.length - SKIPPED_NAMED} more` : '');
    return `n/a: ${reason} (${shown})`;
  });
}

/** The settings every int config shares, said once instead of in every label. */
function commonSettings(report: AnalysisReport, parts: LabelParts): string {
  const first = report.tensors.flatMap((t) => t.results).find((r) => r.kind === 'int');
  if (!first || first.kind !== 'int') return '';
  const words: string[] = [];
  if (!parts.granularity) words.push(first.granularity === 'group' ? `per group of ${first.groupSize}` : `per ${first.granularity}`);
  if (!parts.range) words.push(`${first.range} range`);
  if (!parts.convention) words.push(`${first.convention} convention`);
  return words.length > 0 ? `int: ${words.join(' · ')}` : '';
}

interface Styles {
  bold(s: string): string;
  dim(s: string): string;
  sqnr(db: number | null): string;
}

function styles(color: boolean): Styles {
  const wrap = (code: string) => (s: string): string => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const red = wrap('31');
  const yellow = wrap('33');
  return {
    bold: wrap('1'),
    dim: wrap('2'),
    sqnr: (db) => {
      const text = fmt.db(db);
      if (db === null) return text;
      if (db < SQNR_BAD_DB) return red(text);
      return db < SQNR_POOR_DB ? yellow(text) : text;
    },
  };
}
