import type { AnalysisReport, ModelSummary } from '../../shared/analysisTypes';
import { selectionFromSchemes, type SchemeSelection } from '../../shared/schemeSelection';
import type { HostToWebview } from '../../shared/webviewProtocol';
import { reportPage, type HtmlReportAssets } from './reportPage';

const FALLBACK_SELECTION: SchemeSelection = {
  bits: [], modes: [], granularities: [], groupSize: 128, ranges: ['minmax'], convention: 'lecture', formats: [],
};

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
 * A self-contained HTML report: the inspector app (dist/webview.js, media/inspector.css) and its data
 * in one file, with the same tables and charts as the panel.
 */
export function renderHtml(report: AnalysisReport, summary: ModelSummary, assets: HtmlReportAssets): string {
  return reportPage({
    title: `QuantLens report: ${report.file.split(/[\\/]/).pop() ?? report.file}`,
    quantlensVersion: report.quantlensVersion,
    noscript: 'This report draws its tables and charts with JavaScript.',
    messages: reportMessages(report, summary),
  }, assets);
}
