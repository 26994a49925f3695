import * as path from 'path';
import * as vscode from 'vscode';
import { REPORT_FORMATS } from '../core/report/formats';
import { renderHtml } from '../core/report/html';
import type { HtmlReportAssets } from '../core/report/reportPage';
import type { AnalysisReport, ModelSummary } from '../shared/analysisTypes';
import { EXPORT_FORMATS, type ExportFormat } from '../shared/webviewProtocol';
import type { ExportRequest } from './commands';
import type { InspectorPanel } from './inspectorPanel';

/** The HTML page is rendered apart (it embeds the panel's app); every other export is a REPORT_FORMATS entry. */
const HTML_EXPORT = { extensions: ['.html'], description: 'self-contained page with the same tables and charts' };

function exportSpec(format: ExportFormat): { readonly extensions: readonly string[]; readonly description: string } {
  return format === 'html' ? HTML_EXPORT : REPORT_FORMATS[format];
}

/** The file name ending of an export, without its dot. */
function fileExtension(format: ExportFormat): string {
  return (exportSpec(format).extensions[0] ?? `.${format}`).slice(1);
}

async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

async function htmlAssets(extensionUri: vscode.Uri): Promise<HtmlReportAssets> {
  const [script, css, themeCss] = await Promise.all([
    readText(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')),
    readText(vscode.Uri.joinPath(extensionUri, 'media', 'inspector.css')),
    readText(vscode.Uri.joinPath(extensionUri, 'media', 'report-theme.css')),
  ]);
  return { script, css, themeCss };
}

export async function renderExport(extensionUri: vscode.Uri, format: ExportFormat, report: AnalysisReport, summary: ModelSummary): Promise<string> {
  if (format === 'html') return renderHtml(report, summary, await htmlAssets(extensionUri));
  return REPORT_FORMATS[format].render(report);
}

async function pickFormat(): Promise<ExportFormat | undefined> {
  const picked = await vscode.window.showQuickPick(
    EXPORT_FORMATS.map((f) => ({ label: f.toUpperCase(), description: exportSpec(f).description, format: f })),
    { title: 'QuantLens: export the report as' },
  );
  return picked?.format;
}

/** The panel's report with every histogram (the table's run computes none), or undefined if the user cancelled. */
function withHistograms(panel: InspectorPanel): Thenable<AnalysisReport | undefined> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'QuantLens: histograms for the HTML report', cancellable: true },
    async (progress, token) => {
      const stop = new AbortController();
      token.onCancellationRequested(() => stop.abort());
      try {
        return await panel.document.analysis.histogramReport(
          (p) => progress.report({ message: `${p.tensorsDone} / ${p.tensorsTotal} tensors` }),
          stop.signal,
        );
      } catch (e) {
        if (stop.signal.aborted) return undefined;
        throw e;
      }
    },
  );
}

/** Writes the panel's finished report; returns the path written, or undefined if the user backed out. */
export async function exportPanelReport(extensionUri: vscode.Uri, panel: InspectorPanel, request: ExportRequest): Promise<string | undefined> {
  const { report } = panel.document.analysis;
  const summary = panel.document.summary;
  if (!report || !summary) {
    void vscode.window.showWarningMessage('QuantLens: run an analysis to completion before exporting.');
    return undefined;
  }
  const format = request.format ?? (await pickFormat());
  if (!format) return undefined;
  const base = panel.document.fileName.replace(/\.[^.]+$/, '');
  const target = request.target
    ? vscode.Uri.file(request.target)
    : await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(path.join(path.dirname(panel.document.uri.fsPath), `${base}.quantlens.${fileExtension(format)}`)),
        filters: { [format.toUpperCase()]: [fileExtension(format)] },
        title: 'QuantLens: export report',
      });
  if (!target) return undefined;
  const full = format === 'html' ? await withHistograms(panel) : report;
  if (!full) return undefined;
  const text = await renderExport(extensionUri, format, full, summary);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  return target.fsPath;
}
