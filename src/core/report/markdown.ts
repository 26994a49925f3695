import type { AnalysisReport } from '../../shared/analysisTypes';
import { configLabel, modelTotals, varyingParts } from './configs';
import * as fmt from './numbers';

/** A cell of a Markdown table: pipes escaped, line breaks flattened. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(header: readonly string[], rightAligned: readonly boolean[], rows: readonly (readonly string[])[]): string[] {
  const rule = rightAligned.map((r) => (r ? '---:' : '---'));
  return [header, rule, ...rows].map((row) => `| ${row.map(cell).join(' | ')} |`);
}

/** `analyze --markdown`: the notebook's per-layer table and bit-width comparison, ready to paste. */
export function renderMarkdown(report: AnalysisReport): string {
  const parts = varyingParts(report);
  const values = report.tensors.reduce((n, t) => n + t.numel, 0);
  const lines = [
    `# Quantization report: \`${report.file}\``,
    '',
    `${report.format} · ${fmt.plural(report.tensors.length, 'tensor')} analysed · ${fmt.plural(values, 'value')} · ` +
      `convention \`${report.convention}\` · QuantLens ${report.quantlensVersion}`,
    '',
    '## Bit-width comparison (whole model)',
    '',
    ...table(
      ['config', 'MSE', 'mean rel. error', 'SQNR', 'max abs error'],
      [false, true, true, true, true],
      modelTotals(report.tensors).map((c) => [configLabel(c.example, parts), fmt.sci(c.mse), fmt.pct(c.meanRelErrPct), fmt.db(c.sqnrDb), fmt.sci(c.maxAbsErr)]),
    ),
    '',
    '## Per layer',
    '',
    ...table(
      ['layer', 'shape', 'weight range', 'config', 'MSE', 'mean rel. error', 'SQNR', 'max abs error'],
      [false, false, false, false, true, true, true, true],
      report.tensors.flatMap((t) =>
        t.results.map((r, i) => [
          i === 0 ? `\`${t.name}\`` : '',
          i === 0 ? fmt.shape(t.shape) : '',
          i === 0 ? fmt.range(t.stats.min, t.stats.max) : '',
          configLabel(r, parts),
          fmt.sci(r.mse),
          fmt.pct(r.meanRelErrPct),
          fmt.db(r.sqnrDb),
          fmt.sci(r.maxAbsErr),
        ]),
      ),
    ),
  ];
  if (report.skipped.length > 0) {
    lines.push('', '## Skipped', '');
    // A loop, not push(...): a model may skip more tensors than a call takes arguments.
    for (const s of report.skipped) lines.push(`- \`${s.name}\` (${s.dtype}): ${s.reason}`);
  }
  return lines.join('\n') + '\n';
}
