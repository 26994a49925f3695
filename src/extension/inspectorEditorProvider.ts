import * as vscode from 'vscode';
import { InspectorPanel, type PanelServices } from './inspectorPanel';
import { maxAutoAnalyzeBytes } from './settings';
import { WeightDocument } from './weightDocument';

/** Default for the weight-file extensions only weight files use. */
export const INSPECTOR_VIEW_TYPE = 'quantlens.inspector';
/** Offered by "Reopen Editor With..." for names other tools share (`.bin`, `.pt`, `*.index.json`). */
export const INSPECTOR_OPTIONAL_VIEW_TYPE = 'quantlens.inspector.option';

/** The read-only custom editor: a document is a file URI; opening it reads headers only. */
export class InspectorEditorProvider implements vscode.CustomReadonlyEditorProvider<WeightDocument> {
  constructor(private readonly services: PanelServices) {}

  openCustomDocument(uri: vscode.Uri): Promise<WeightDocument> {
    return WeightDocument.open(uri, this.services.pool, () => this.services.registry.notify(), maxAutoAnalyzeBytes(), this.services.calibWorker, this.services.planCacheDir);
  }

  resolveCustomEditor(document: WeightDocument, webviewPanel: vscode.WebviewPanel): void {
    new InspectorPanel(document, webviewPanel, this.services);
  }

  static register(services: PanelServices): vscode.Disposable[] {
    const provider = new InspectorEditorProvider(services);
    // No retainContextWhenHidden: the webview rebuilds from getState and the host's replay.
    const options = { supportsMultipleEditorsPerDocument: true };
    return [
      vscode.window.registerCustomEditorProvider(INSPECTOR_VIEW_TYPE, provider, options),
      vscode.window.registerCustomEditorProvider(INSPECTOR_OPTIONAL_VIEW_TYPE, provider, options),
    ];
  }
}
