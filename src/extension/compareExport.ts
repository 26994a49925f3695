import * as path from 'path';
import * as vscode from 'vscode';
import { compareHtml } from '../core/report/compareHtml';
import { compareCsv, compareJson, compareMarkdown } from '../core/report/compareReport';
import type { CompareSetup } from '../shared/comparePanelProtocol';
import type { CompareOutcome } from '../shared/compareTypes';
import { assertNever } from '../shared/assertNever';
import { EXPORT_FORMATS, type ExportFormat } from '../shared/webviewProtocol';
import type { ComparePanel } from './comparePanel';

/** File name ending and what the file holds, per export format. */
const COMPARE_EXPORTS: { readonly [F in ExportFormat]: { readonly extension: string; readonly description: string } } = {
  csv: { extension: 'csv', description: 'one row per pair, with the files and the QuantLens version' },
  json: { extension: 'json', description: 'the CLI\'s compare --json document (quantlens check reads it)' },
  markdown: { extension: 'md', description: 'findings, pair table and unpaired names, ready to paste' },
  html: { extension: 'html', description: 'self-contained page with the same findings and table' },
};

export interface CompareExportRequest {
  readonly format?: ExportFormat;
  /** Absolute path to write; skips the save dialog. */
  readonly target?: string;
}

async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

async function render(extensionUri: vscode.Uri, format: ExportFormat, setup: CompareSetup, result: CompareOutcome): Promise<string> {
  switch (format) {
    case 'csv':
      return compareCsv(setup, result);
    case 'json':
      return compareJson(setup, result);
    case 'markdown':
      return compareMarkdown(setup, result);
    case 'html': {
      const [script, css, compareCss, themeCss] = await Promise.all(
        [['dist', 'compareWebview.js'], ['media', 'inspector.css'], ['media', 'compare.css'], ['media', 'report-theme.css']].map((p) => readText(vscode.Uri.joinPath(extensionUri, ...p))),
      );
      return compareHtml(setup, result, { script: script!, css: `${css!}\n${compareCss!}`, themeCss: themeCss! });
    }
    default:
      return assertNever(format, 'export format');
  }
}

async function pickFormat(): Promise<ExportFormat | undefined> {
  const picked = await vscode.window.showQuickPick(
    EXPORT_FORMATS.map((f) => ({ label: f.toUpperCase(), description: COMPARE_EXPORTS[f].description, format: f })),
    { title: 'QuantLens: export the comparison as' },
  );
  return picked?.format;
}

/** Writes the panel's finished comparison; returns the path written, or undefined if the user backed out. */
export async function exportComparison(extensionUri: vscode.Uri, panel: ComparePanel, request: CompareExportRequest): Promise<string | undefined> {
  const result = panel.run.result;
  if (!result) {
    void vscode.window.showWarningMessage('QuantLens: let the comparison finish before exporting.');
    return undefined;
  }
  const format = request.format ?? (await pickFormat());
  if (!format) return undefined;
  const setup = panel.setup;
  const extension = COMPARE_EXPORTS[format].extension;
  const base = `${path.basename(setup.candidate).replace(/\.[^.]+$/, '')}.compare`;
  const target = request.target
    ? vscode.Uri.file(request.target)
    : await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(path.join(path.dirname(setup.candidate), `${base}.${extension}`)),
        filters: { [format.toUpperCase()]: [extension] },
        title: 'QuantLens: export comparison',
      });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(await render(extensionUri, format, setup, result)));
  return target.fsPath;
}
