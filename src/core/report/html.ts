import { createHash } from 'crypto';
import type { AnalysisReport, ModelSummary } from '../../shared/analysisTypes';
import { selectionFromSchemes, type SchemeSelection } from '../../shared/schemeSelection';
import type { HostToWebview } from '../../shared/webviewProtocol';

/** The inspector app's built files, inlined so the report opens offline from a single file. */
export interface HtmlReportAssets {
  /** dist/webview.js (the inspector app, chart.js included). */
  readonly script: string;
  /** media/inspector.css */
  readonly css: string;
  /** media/report-theme.css: stand-ins for the editor's --vscode-* colours. */
  readonly themeCss: string;
}

const FALLBACK_SELECTION: SchemeSelection = {
  bits: [], modes: [], granularities: [], groupSize: 128, ranges: ['minmax'], convention: 'lecture', formats: [],
};

/** Element id the app looks for to run as a report (webview/host.ts REPORT_DATA_ID). */
export const REPORT_DATA_ID = 'quantlens-report-data';

export function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON that can sit inside a <script> element: no `</script>`, no HTML comment openers. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** What a panel received for this analysis, for the app to replay. */
export function reportMessages(report: AnalysisReport, summary: ModelSummary): HostToWebview[] {
  const selection = selectionFromSchemes(report.options.schemes, FALLBACK_SELECTION);
  const fileName = report.file.split(/[\\/]/).pop() ?? report.file;
  return [
    {
      type: 'init',
      init: { mode: 'report', fileName, filePath: report.file, quantlensVersion: report.quantlensVersion, summary, error: null, selection, runnable: false },
    },
    { type: 'analysisStarted', selection, tensorsTotal: report.tensors.length },
    { type: 'tensorResults', results: report.tensors },
    { type: 'analysisFinished', outcome: 'done', skipped: report.skipped, error: null },
  ];
}

/**
 * A self-contained HTML report: the inspector app and its data in one file, with the same
 * tables and charts as the panel. Its CSP allows exactly the inlined script and style (by hash).
 */
export function renderHtml(report: AnalysisReport, summary: ModelSummary, assets: HtmlReportAssets): string {
  const style = `${assets.themeCss}\n${assets.css}`;
  const script = assets.script.replace(/<\/script/gi, '<\\/script');
  const csp = ["default-src 'none'", `script-src ${sha256(script)}`, `style-src ${sha256(style)}`, 'img-src data:'].join('; ');
  const title = `QuantLens report: ${report.file.split(/[\\/]/).pop() ?? report.file}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="QuantLens ${escapeHtml(report.quantlensVersion)}">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body class="quantlens-report">
<div id="app" class="app"><noscript>This report draws its tables and charts with JavaScript.</noscript></div>
<script type="application/json" id="${REPORT_DATA_ID}">${scriptSafeJson(reportMessages(report, summary))}</script>
<script>${script}</script>
</body>
</html>
`;
}
