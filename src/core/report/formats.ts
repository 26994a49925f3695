import type { AnalysisReport } from '../../shared/analysisTypes';
import { renderCsv } from './csv';
import { renderJson } from './json';
import { renderMarkdown } from './markdown';

export interface ReportFormatSpec {
  readonly render: (report: AnalysisReport) => string;
  /** File name endings that pick this format for `--out` when no format flag is given; the first names exported files. */
  readonly extensions: readonly string[];
  /** What the file holds, for the extension's format picker. */
  readonly description: string;
}

/** Every machine- or paste-ready report format; each key is also an `analyze --<key>` flag. */
export const REPORT_FORMATS = {
  json: { render: renderJson, extensions: ['.json'], description: 'the CLI\'s analyze --json document' },
  csv: { render: renderCsv, extensions: ['.csv'], description: 'one row per tensor and configuration' },
  markdown: { render: renderMarkdown, extensions: ['.md', '.markdown'], description: 'tables ready to paste' },
} as const satisfies Record<string, ReportFormatSpec>;

export type ReportFormat = keyof typeof REPORT_FORMATS;

export const REPORT_FORMAT_NAMES = Object.keys(REPORT_FORMATS) as ReportFormat[];

/** The format an output file name asks for, if its ending is known. */
export function formatForFile(file: string): ReportFormat | undefined {
  const lower = file.toLowerCase();
  return REPORT_FORMAT_NAMES.find((f) => REPORT_FORMATS[f].extensions.some((e) => lower.endsWith(e)));
}
