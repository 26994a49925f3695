import * as vscode from 'vscode';
import type { PlanPanelState } from '../shared/planPanelProtocol';
import type { DocumentPlan } from './planSession';

/** The importance matrices llama-imatrix writes: GGUF, and the legacy .dat. */
const IMATRIX_FILTERS = { 'llama.cpp importance matrix': ['gguf', 'dat'] };

/** Asks for an importance matrix in the host's open dialog (starting in the model's folder) and weights the plan by it. */
export async function pickPlanImatrix(plan: DocumentPlan): Promise<PlanPanelState | undefined> {
  const picked = await vscode.window.showOpenDialog({
    defaultUri: vscode.Uri.file(plan.folder), canSelectMany: false, filters: IMATRIX_FILTERS,
    title: 'QuantLens: importance matrix to weight the plan\'s errors (llama-imatrix output)', openLabel: 'Use importance matrix',
  });
  const file = picked?.[0];
  return file ? plan.setImatrix(file.fsPath) : undefined;
}
