// Shared by the host suites: the extension's API, fixture paths, and waiting on its events.
import * as path from 'path';
import * as vscode from 'vscode';
import type { InspectorSnapshot, QuantLensApi } from '../../../src/extension/api';

export const EXTENSION_ID = 'quantlens.quantlens';

export async function api(): Promise<QuantLensApi> {
  const ext = vscode.extensions.getExtension<QuantLensApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this host`);
  return ext.activate();
}

export function repoPath(...parts: string[]): string {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this host`);
  return path.join(ext.extensionPath, ...parts);
}

/** Resolves with the first value `probe` returns that is not undefined, re-checked on every change. */
export function waitFor<T>(quantlens: QuantLensApi, probe: () => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const now = probe();
    if (now !== undefined) {
      resolve(now);
      return;
    }
    const sub = quantlens.onDidChange(() => {
      const v = probe();
      if (v !== undefined) {
        sub.dispose();
        resolve(v);
      }
    });
  });
}

export function inspectorFor(quantlens: QuantLensApi, file: string): InspectorSnapshot | undefined {
  const uri = vscode.Uri.file(file).toString();
  return quantlens.inspectors().find((i) => i.uri === uri);
}

/** Waits until the inspector of `file` satisfies `ready`, then returns its snapshot. */
export function waitForInspector(quantlens: QuantLensApi, file: string, ready: (i: InspectorSnapshot) => boolean): Promise<InspectorSnapshot> {
  return waitFor(quantlens, () => {
    const i = inspectorFor(quantlens, file);
    return i && ready(i) ? i : undefined;
  });
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
