import * as path from 'path';
import * as vscode from 'vscode';
import { UsageError } from '../core/errors';
import type { DocumentPlan } from './planSession';

/**
 * Saves the export the Plan tab previews, through the save dialog (or to `target`, for tests and
 * other extensions calling the command): the path never comes from the webview. Returns the path
 * written, or undefined if the user backed out.
 */
export async function savePlanExport(plan: DocumentPlan, target?: string): Promise<string | undefined> {
  const preview = plan.state.exportPreview;
  if (!preview) throw new UsageError('preview an export in the Plan tab before saving it');
  const uri = target !== undefined
    ? vscode.Uri.file(target)
    : await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(path.join(plan.folder, preview.fileName)),
        title: `QuantLens: save the ${preview.target} plan (${preview.usage})`,
      });
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(preview.text));
  return uri.fsPath;
}
