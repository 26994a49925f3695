import * as vscode from 'vscode';
import type { ExportFormat } from '../shared/webviewProtocol';
import { createApi, type QuantLensApi } from './api';
import type { ComparePanel } from './comparePanel';
import { calibrate, exportCalibration, registerCalibCommands, simulatePtq } from './calibCommands';
import { registerCommands } from './commands';
import { registerCompareCommands } from './compareCommands';
import { exportComparison } from './compareExport';
import { ComparePanels } from './comparePanels';
import { exportPanelReport } from './exportReport';
import { InspectorEditorProvider } from './inspectorEditorProvider';
import type { PanelServices } from './inspectorPanel';
import { RefusedMessages } from './messages/refusedMessages';
import { PanelRegistry } from './panelRegistry';
import { registerPlanCommands } from './planCommands';
import { PoolClient } from './poolClient';

export function activate(context: vscode.ExtensionContext): QuantLensApi {
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '');
  const pool = new PoolClient(context.extensionUri);
  const registry = new PanelRegistry();
  const refused = new RefusedMessages();
  const services: PanelServices = {
    extensionUri: context.extensionUri,
    version,
    pool,
    registry,
    refused,
    calibWorker: { path: vscode.Uri.joinPath(context.extensionUri, 'dist', 'calibWorker.js').fsPath },
    planCacheDir: vscode.Uri.joinPath(context.globalStorageUri, 'plan-errors').fsPath,
    exportReport: (panel, format) => exportPanelReport(context.extensionUri, panel, format ? { format } : {}),
    calibrate: (panel, settings) => calibrate(panel, settings),
    simulatePtq: (panel, settings) => simulatePtq(panel, settings),
    exportCalibration,
  };
  const comparePanels = new ComparePanels();
  const compareServices = {
    extensionUri: context.extensionUri,
    version,
    pool,
    tracker: comparePanels,
    refused,
    exportComparison: (panel: ComparePanel, format: ExportFormat | null) => exportComparison(context.extensionUri, panel, format ? { format } : {}),
  };
  context.subscriptions.push(
    pool,
    registry,
    refused,
    comparePanels,
    ...registerCompareCommands(compareServices, comparePanels, (panel, request) => exportComparison(context.extensionUri, panel, request)),
    ...InspectorEditorProvider.register(services),
    ...registerCommands(registry, (panel, request) => exportPanelReport(context.extensionUri, panel, request)),
    ...registerCalibCommands(registry, context.extensionUri),
    ...registerPlanCommands(registry),
  );
  return createApi(registry, comparePanels, refused);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
