import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { dataChoice, rankDataFiles, type DataChoice, type DataPurpose } from './calibFiles';

/** Workspace models listed in the quick pick; more than this and the user browses. */
const MAX_WORKSPACE_MODELS = 30;

/** The bundled sample (samples/mlp): the default when the user has no model of their own. */
function sampleModel(extensionUri: vscode.Uri): string {
  return vscode.Uri.joinPath(extensionUri, 'samples', 'mlp', 'model.onnx').fsPath;
}

interface PathItem extends vscode.QuickPickItem {
  readonly path: string | null;
}

const BROWSE: PathItem = { label: '$(folder-opened) Browse…', path: null };

async function pick(items: PathItem[], title: string, placeHolder: string): Promise<string | null | undefined> {
  // ignoreFocusOut: an editor that finishes loading meanwhile must not dismiss the pick.
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true, ignoreFocusOut: true });
  return picked === undefined ? undefined : picked.path;
}

/** An ONNX model: the workspace's, the bundled sample, or one from an open dialog. */
export async function pickModel(extensionUri: vscode.Uri, purpose: DataPurpose): Promise<string | undefined> {
  const found = await vscode.workspace.findFiles('**/*.onnx', '**/node_modules/**', MAX_WORKSPACE_MODELS);
  const sample = sampleModel(extensionUri);
  const items: PathItem[] = [
    ...found.map((u) => ({ label: path.basename(u.fsPath), description: vscode.workspace.asRelativePath(u), path: u.fsPath })),
    { label: 'Sample MLP (digits, 784-256-128-10)', description: 'bundled with QuantLens: samples/mlp/model.onnx', path: sample },
    BROWSE,
  ];
  const title = purpose === 'calibrate' ? 'QuantLens: model to calibrate' : 'QuantLens: model to quantize';
  const chosen = await pick(items, title, 'An ONNX model that onnxruntime can run');
  if (chosen !== null) return chosen;
  const uris = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'ONNX models': ['onnx'] }, openLabel: 'Use model' });
  return uris?.[0]?.fsPath;
}

/** A data file for `model`: one beside it, or one from an open dialog. */
export async function pickData(model: string, purpose: DataPurpose): Promise<DataChoice | undefined> {
  const dir = path.dirname(model);
  let names: string[] = [];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    // An unreadable folder offers only Browse.
  }
  const items: PathItem[] = [
    ...rankDataFiles(names, purpose).map((n) => ({ label: n, description: dir, path: path.join(dir, n) })),
    BROWSE,
  ];
  const what = purpose === 'calibrate' ? 'calibration inputs (.npy, or .npz)' : 'labelled test data (.npz with x and y)';
  const chosen = await pick(items, `QuantLens: ${what} for ${path.basename(model)}`, 'Arrays shaped like the model input, batch first');
  if (chosen === undefined) return undefined;
  if (chosen !== null) return dataChoice(chosen, purpose);
  const uris = await vscode.window.showOpenDialog({
    canSelectMany: false, defaultUri: vscode.Uri.file(dir), filters: { 'NumPy arrays': ['npy', 'npz'] }, openLabel: 'Use data',
  });
  return uris?.[0] ? dataChoice(uris[0].fsPath, purpose) : undefined;
}
