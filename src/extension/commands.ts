import * as vscode from 'vscode';
import { claimedExtensions, opensByDefault } from '../core/formats/claimTable';
import { dtypeBreakdown } from '../shared/storageSizes';
import { SELECTABLE_BITS, type SchemeSelection } from '../shared/schemeSelection';
import { EXPORT_FORMATS, type ExportFormat } from '../shared/webviewProtocol';
import { INSPECTOR_OPTIONAL_VIEW_TYPE, INSPECTOR_VIEW_TYPE } from './inspectorEditorProvider';
import type { InspectorPanel } from './inspectorPanel';
import type { PanelRegistry } from './panelRegistry';

const OPEN_DIALOG_FILTERS = {
  'Weight files': claimedExtensions(),
  'All files': ['*'],
};
const COMPARE_BITS = [8, 4, 2];

export interface ExportRequest {
  readonly format?: ExportFormat;
  /** Absolute path to write; skips the save dialog. */
  readonly target?: string;
}

export interface AnalyzeRequest {
  readonly selection?: SchemeSelection;
}

type Exporter = (panel: InspectorPanel, request: ExportRequest) => Promise<string | undefined>;

export function inspectorViewTypeFor(uri: vscode.Uri): string {
  return opensByDefault(uri.path) ? INSPECTOR_VIEW_TYPE : INSPECTOR_OPTIONAL_VIEW_TYPE;
}

async function openFile(uri?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const target = uri ?? (await vscode.window.showOpenDialog({ canSelectMany: false, filters: OPEN_DIALOG_FILTERS, openLabel: 'Inspect' }))?.[0];
  if (target) await vscode.commands.executeCommand('vscode.openWith', target, inspectorViewTypeFor(target));
  return target;
}

function requirePanel(registry: PanelRegistry): InspectorPanel | undefined {
  const panel = registry.active();
  if (!panel) void vscode.window.showInformationMessage('QuantLens: open a weight file first (QuantLens: Open Weights File...).');
  return panel;
}

async function pickSelection(panel: InspectorPanel): Promise<SchemeSelection | undefined> {
  const current = panel.currentSelection();
  const items = SELECTABLE_BITS.map((bits) => ({ label: `INT${bits}`, bits, picked: current.bits.includes(bits) }));
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: 'QuantLens: bit widths to analyse',
    placeHolder: `${current.modes.join(', ')} · ${current.granularities.join(', ')} · ${current.ranges.join(', ')} (change in the panel)`,
  });
  return picked ? { ...current, bits: picked.map((p) => p.bits) } : undefined;
}

export function registerCommands(registry: PanelRegistry, exportReport: Exporter): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('quantlens.openFile', (uri?: vscode.Uri) => openFile(uri)),
    vscode.commands.registerCommand('quantlens.analyze', async (request?: AnalyzeRequest) => {
      // openWith resolves once the editor is resolved, so the new panel is registered by then.
      if (!registry.active() && !(await openFile())) return undefined;
      const panel = registry.active();
      if (!panel) return undefined;
      const selection = request?.selection ?? (await pickSelection(panel));
      if (!selection) return undefined;
      panel.showTab('layers');
      await panel.analyze(selection);
      return panel.document.analysis.status;
    }),
    vscode.commands.registerCommand('quantlens.compareBitWidths', async () => {
      const panel = requirePanel(registry);
      if (!panel) return undefined;
      panel.showTab('compare');
      await panel.analyze({ ...panel.currentSelection(), bits: COMPARE_BITS });
      return panel.document.analysis.status;
    }),
    vscode.commands.registerCommand('quantlens.showDataTypes', () => {
      const panel = requirePanel(registry);
      if (!panel?.document.summary) return undefined;
      panel.showTab('overview');
      return dtypeBreakdown(panel.document.summary);
    }),
    vscode.commands.registerCommand('quantlens.showTensor', async (request?: { tensor?: string }) => {
      const panel = requirePanel(registry);
      const names = panel?.document.summary?.tensors.map((t) => t.name) ?? [];
      if (!panel || names.length === 0) return undefined;
      const tensor = request?.tensor ?? (await vscode.window.showQuickPick(names, { title: 'QuantLens: show tensor', placeHolder: 'Its histograms, error and per-channel scales' }));
      if (tensor === undefined || !names.includes(tensor)) return undefined;
      panel.showTab('tensor', tensor);
      return tensor;
    }),
    vscode.commands.registerCommand('quantlens.exportReport', async (request?: ExportRequest) => {
      const panel = requirePanel(registry);
      return panel ? exportReport(panel, request ?? {}) : undefined;
    }),
    vscode.commands.registerCommand('quantlens.cancelAnalysis', () => {
      // Analyses, calibrations and PTQ runs: the active panel's, else every panel's.
      const running = registry.all().filter((p) => p.document.busy);
      const active = registry.active();
      const targets = new Set((active && running.includes(active) ? [active] : running).map((p) => p.document));
      return [...targets].reduce((cancelled, doc) => cancelled + doc.cancelAll(), 0);
    }),
  ];
}

export function isExportFormat(s: string): s is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(s);
}
