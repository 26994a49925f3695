import * as vscode from 'vscode';
import type { PlanPanelState, PlanSettings } from '../shared/planPanelProtocol';
import type { InspectorPanel } from './inspectorPanel';
import type { PanelRegistry } from './panelRegistry';
import { savePlanExport } from './planExport';

/** What callers other than the palette (tests, other extensions) may pass to Plan Mixed Precision. */
export interface PlanRequest {
  /** A weight file to open first; default the active inspector (or an open dialog). */
  readonly file?: string;
  /** An importance matrix (.gguf or .dat) to weight the errors by, null for none; default the panel's current one. */
  readonly imatrix?: string | null;
  /** Compute the per-candidate errors first, as the panel's button does (then the solver plans at the reference's size). */
  readonly computeErrors?: boolean;
  /** The plan to make; default the panel's current one (Q4_K_M against itself on a first plan). */
  readonly settings?: PlanSettings;
}

/** Save Plan Export from callers other than the panel's button (tests, other extensions). */
export interface PlanSaveRequest {
  /** Render the current plan for this target first; default the export the panel previews. */
  readonly tool?: string;
  /** Absolute path to write, skipping the save dialog. */
  readonly file?: string;
}

async function panelFor(registry: PanelRegistry, uri: vscode.Uri | undefined): Promise<InspectorPanel | undefined> {
  if (!uri) {
    const active = registry.active();
    if (active) return active;
  }
  // quantlens.openFile asks for a file when given none, and resolves once the editor is resolved.
  const opened = await vscode.commands.executeCommand<vscode.Uri | undefined>('quantlens.openFile', uri);
  return opened ? registry.all().find((p) => p.document.uri.fsPath === opened.fsPath) : undefined;
}

export function registerPlanCommands(registry: PanelRegistry): vscode.Disposable[] {
  return [
    // From the palette (request or nothing), or a menu of the explorer or an inspector (its file's Uri).
    vscode.commands.registerCommand('quantlens.planMixedPrecision', async (arg?: vscode.Uri | PlanRequest): Promise<PlanPanelState | undefined> => {
      const request: PlanRequest = arg instanceof vscode.Uri ? { file: arg.fsPath } : arg ?? {};
      const panel = await panelFor(registry, request.file !== undefined ? vscode.Uri.file(request.file) : undefined);
      if (!panel) return undefined;
      panel.showTab('plan');
      const plan = panel.document.plan;
      if (request.imatrix !== undefined) {
        const weighted = await plan.setImatrix(request.imatrix);
        // A refused imatrix: the panel shows why; nothing is computed with the wrong weights.
        if (weighted.imatrixError) return weighted;
      }
      if (request.computeErrors) {
        const solved = await plan.startErrors();
        if (!request.settings) return solved;
      }
      return plan.plan(request.settings ?? plan.state.settings);
    }),
    vscode.commands.registerCommand('quantlens.savePlanExport', async (request?: PlanSaveRequest) => {
      const plan = registry.active()?.document.plan;
      if (!plan) return undefined;
      if (request?.tool !== undefined) await plan.previewExport(request.tool);
      return savePlanExport(plan, request?.file);
    }),
  ];
}
