import * as path from 'path';
import * as vscode from 'vscode';
import { claimedExtensions } from '../core/formats/claimTable';
import type { CompareStatus } from '../shared/comparePanelProtocol';
import type { CompareMapping } from '../shared/compareTypes';
import { ComparePanel, type ComparePanelServices } from './comparePanel';
import type { CompareExportRequest } from './compareExport';
import type { ComparePanels } from './comparePanels';

const OPEN_DIALOG_FILTERS = {
  'Weight files': claimedExtensions(),
  'All files': ['*'],
};

async function pickFile(title: string, openLabel: string, near?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false, filters: OPEN_DIALOG_FILTERS, openLabel, title,
    ...(near ? { defaultUri: vscode.Uri.file(path.dirname(near.fsPath)) } : {}),
  });
  return picked?.[0];
}

/**
 * The two files of "Compare With...": two selected in the explorer (the first selected is the
 * reference); one (it is the candidate, the picker asks for its reference); none (the palette:
 * reference, then candidate).
 */
async function filesToCompare(uri: vscode.Uri | undefined, uris: readonly vscode.Uri[] | undefined): Promise<{ reference: vscode.Uri; candidate: vscode.Uri } | undefined> {
  const selected = uris && uris.length > 0 ? uris : uri ? [uri] : [];
  if (selected.length >= 2) {
    if (selected.length > 2) void vscode.window.showWarningMessage(`QuantLens: ${selected.length} files are selected; comparing the first two.`);
    return { reference: selected[0]!, candidate: selected[1]! };
  }
  const one = selected[0];
  if (one) {
    const reference = await pickFile(`QuantLens: the original to compare ${path.basename(one.fsPath)} with`, 'Reference', one);
    return reference ? { reference, candidate: one } : undefined;
  }
  const reference = await pickFile('QuantLens: the reference (original) file', 'Reference');
  if (!reference) return undefined;
  const candidate = await pickFile(`QuantLens: the candidate to compare with ${path.basename(reference.fsPath)}`, 'Candidate', reference);
  return candidate ? { reference, candidate } : undefined;
}

/** `quantlens.compareWith` from the explorer (uri, uris), the palette (nothing), or a test ({ reference, candidate, mapping }). */
export interface CompareRequest {
  readonly reference: string;
  readonly candidate: string;
  readonly mapping?: CompareMapping;
}

function isCompareRequest(x: unknown): x is CompareRequest {
  const r = x as Partial<CompareRequest> | undefined;
  return typeof r === 'object' && r !== null && typeof r.reference === 'string' && typeof r.candidate === 'string';
}

type Exporter = (panel: ComparePanel, request: CompareExportRequest) => Promise<string | undefined>;

export function registerCompareCommands(services: ComparePanelServices, panels: ComparePanels, exportComparison: Exporter): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('quantlens.compareWith', async (first?: vscode.Uri | CompareRequest, uris?: vscode.Uri[]): Promise<CompareStatus | undefined> => {
      let files: { reference: string; candidate: string; mapping: CompareMapping } | undefined;
      if (isCompareRequest(first)) {
        files = { reference: first.reference, candidate: first.candidate, mapping: first.mapping ?? { kind: 'auto' } };
      } else {
        const picked = await filesToCompare(first, uris);
        if (picked) files = { reference: picked.reference.fsPath, candidate: picked.candidate.fsPath, mapping: { kind: 'auto' } };
      }
      if (!files) return undefined;
      const panel = ComparePanel.open(files, services);
      return panel.run.finished;
    }),
    vscode.commands.registerCommand('quantlens.exportComparison', async (request?: CompareExportRequest) => {
      const panel = panels.active();
      if (!panel) {
        void vscode.window.showInformationMessage('QuantLens: compare two files first (QuantLens: Compare With...).');
        return undefined;
      }
      return exportComparison(panel, request ?? {});
    }),
  ];
}
