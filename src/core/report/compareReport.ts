import type { CompareSetup } from '../../shared/comparePanelProtocol';
import type { ComparedPairView, CompareOutcome } from '../../shared/compareTypes';
import * as fmt from './numbers';

type Cell = string | number | null;

/** One CSV column: header and how a pair fills it; the configuration rides on every row so a row stands alone. */
const CSV_COLUMNS: readonly (readonly [string, (p: ComparedPairView, s: CompareSetup) => Cell])[] = [
  ['reference', (p) => p.reference],
  ['candidate', (p) => p.candidate],
  ['reference_dtype', (p) => p.referenceDtype],
  ['candidate_dtype', (p) => p.candidateDtype],
  ['candidate_storage', (p) => p.candidateStorage ?? null],
  ['shape', (p) => p.shape.join('x')],
  ['transform', (p) => p.transform],
  ['mse', (p) => p.mse],
  ['max_abs_err', (p) => p.maxAbsErr],
  ['sqnr_db', (p) => p.sqnrDb],
  ['cosine', (p) => p.cosine],
  ['rel_frobenius', (p) => p.relFrobenius],
  ['requantized_sqnr_db', (p) => p.requantizedSqnrDb],
  ['non_finite_reference', (p) => p.nonFinite.reference],
  ['non_finite_candidate', (p) => p.nonFinite.candidate],
  ['reference_file', (_, s) => s.reference],
  ['candidate_file', (_, s) => s.candidate],
  ['mapping', (_, s) => s.mapping],
  ['quantlens_version', (_, s) => s.quantlensVersion],
];

/** RFC 4180: quote a cell holding a comma, quote or line break; empty for null and non-finite numbers. */
function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One row per measured pair (CRLF line ends, per RFC 4180). */
export function compareCsv(setup: CompareSetup, result: CompareOutcome): string {
  const rows = [CSV_COLUMNS.map(([h]) => h), ...result.pairs.map((p) => CSV_COLUMNS.map(([, f]) => csvCell(f(p, setup))))];
  return rows.map((r) => `${r.join(',')}\r\n`).join('');
}

/** CLI.md's `compare --json` document, with the QuantLens version and the name mapping (`quantlens check` reads it). */
export function compareJson(setup: CompareSetup, result: CompareOutcome): string {
  return `${JSON.stringify({ quantlensVersion: setup.quantlensVersion, mapping: setup.mapping, ...result }, null, 1)}\n`;
}

/** A cell of a Markdown table: pipes escaped, line breaks flattened. */
function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

const code = (name: string): string => `\`${name}\``;

/** Findings, the pair table and the unpaired names, ready to paste. */
export function compareMarkdown(setup: CompareSetup, result: CompareOutcome): string {
  const header = ['reference', 'candidate', 'type', 'transform', 'SQNR', 'cosine', 'max error', 'rel. Frobenius'];
  const rows = result.pairs.map((p) => [
    code(p.reference), code(p.candidate), p.candidateStorage ?? p.candidateDtype, p.transform, fmt.db(p.sqnrDb), p.cosine.toFixed(6), fmt.sci(p.maxAbsErr), p.relFrobenius === null ? '—' : fmt.sci(p.relFrobenius),
  ]);
  const table = [header, ['---', '---', '---', '---', '---:', '---:', '---:', '---:'], ...rows].map((r) => `| ${r.map(mdCell).join(' | ')} |`);
  const unpaired = (side: string, names: readonly string[]): string[] => (names.length > 0 ? [`- in the ${side}: ${names.map(code).join(', ')}`] : []);
  return [
    `# Comparison: ${code(setup.candidate)} against ${code(setup.reference)}`,
    '',
    `${fmt.plural(result.pairs.length, 'pair')} · name mapping \`${setup.mapping}\` · QuantLens ${setup.quantlensVersion}`,
    '',
    '## Findings',
    '',
    ...(result.findings.length > 0 ? result.findings.map((f) => `- **${f.kind}**${f.tensor ? ` ${code(f.tensor)}` : ''}: ${mdCell(f.message)}`) : ['None.']),
    '',
    '## Pairs',
    '',
    ...table,
    '',
    '## Unpaired',
    '',
    ...(result.unpaired.reference.length + result.unpaired.candidate.length > 0
      ? [...unpaired('reference', result.unpaired.reference), ...unpaired('candidate', result.unpaired.candidate)]
      : ['Every tensor is paired.']),
    '',
  ].join('\n');
}
