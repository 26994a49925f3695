import * as vscode from 'vscode';
import type { RangeMethod } from '../shared/analysisTypes';
import {
  DEFAULT_CALIB_SETTINGS, DEFAULT_PTQ_SETTINGS, type CalibSettings, type CalibTableFormat, type JobStatus, type PtqSettings,
} from '../shared/calibPanelProtocol';
import { exportCalibrationTable, type CalibExportRequest } from './calibExport';
import { calibrationOptions, ptqOptions } from './calibOptions';
import { dataChoice, type DataChoice, type DataPurpose } from './calibFiles';
import { pickData, pickModel } from './calibPickers';
import { INSPECTOR_VIEW_TYPE } from './inspectorEditorProvider';
import type { InspectorPanel } from './inspectorPanel';
import type { ModelCalibration } from './modelCalibration';
import type { PanelRegistry } from './panelRegistry';

/** Arguments of QuantLens: Calibrate Activations (all optional: what is missing is asked for). */
export interface CalibrateRequest {
  readonly model?: string;
  readonly data?: string;
  /** The `.npz` array feeding the input (default: the only array, or `x`). */
  readonly inputKey?: string | null;
  readonly settings?: Partial<CalibSettings>;
  readonly batch?: number;
  readonly methods?: readonly RangeMethod[];
}

/** Arguments of QuantLens: Simulate PTQ. */
export interface PtqRequest {
  readonly model?: string;
  readonly data?: string;
  readonly inputKey?: string;
  readonly labelsKey?: string;
  /** Activation ranges from this file instead of `data`. */
  readonly calibData?: string;
  readonly settings?: Partial<PtqSettings>;
  readonly batch?: number;
}

/** The inspector of `model`, opened (or focused) in the QuantLens editor. */
async function openInspector(registry: PanelRegistry, model: string): Promise<InspectorPanel> {
  const uri = vscode.Uri.file(model);
  await vscode.commands.executeCommand('vscode.openWith', uri, INSPECTOR_VIEW_TYPE);
  const panels = registry.all().filter((p) => p.document.uri.fsPath === uri.fsPath);
  const panel = panels.find((p) => p === registry.active()) ?? panels[0];
  if (!panel) throw new Error(`QuantLens could not open ${model}.`);
  return panel;
}

function calibOf(panel: InspectorPanel): ModelCalibration {
  const calib = panel.document.calib;
  if (calib) return calib;
  const why = panel.document.error?.message ?? 'only ONNX models can run';
  throw new Error(`${panel.document.fileName} cannot be calibrated: ${why}.`);
}

/** The model a command acts on: the one asked for, the active inspector's ONNX model, or a pick. */
async function targetModel(registry: PanelRegistry, extensionUri: vscode.Uri, purpose: DataPurpose, model?: string): Promise<string | undefined> {
  const active = registry.active()?.document.calib;
  if (!model && active) return active.modelPath;
  return model ?? pickModel(extensionUri, purpose);
}

/**
 * Model, then data, then the editor: the data pick comes before the inspector opens, whose webview
 * would take the focus (and close a quick pick) while it loads.
 */
async function modelAndData(
  registry: PanelRegistry, extensionUri: vscode.Uri, purpose: DataPurpose, request: { model?: string; data?: string; inputKey?: string | null },
): Promise<{ panel: InspectorPanel; data: DataChoice } | undefined> {
  const model = await targetModel(registry, extensionUri, purpose, request.model);
  if (!model) return undefined;
  const data = request.data ? dataChoice(request.data, purpose, request.inputKey) : await pickData(model, purpose);
  return data ? { panel: await openInspector(registry, model), data } : undefined;
}

function runCalibration(panel: InspectorPanel, data: DataChoice, settings: CalibSettings, request: CalibrateRequest): Promise<JobStatus> {
  const calib = calibOf(panel);
  panel.showTab('calibration');
  return calib.calibrate(data, calibrationOptions(settings, request.batch, request.methods));
}

function runPtq(panel: InspectorPanel, data: DataChoice, settings: PtqSettings, request: PtqRequest): Promise<JobStatus> {
  const calib = calibOf(panel);
  const calibData = request.calibData ? dataChoice(request.calibData, 'calibrate') : null;
  panel.showTab('ptq');
  return calib.simulatePtq(data, calibData, ptqOptions(settings, request.batch, request.labelsKey));
}

/** The panel's Calibrate… button: pick the data beside its model, then run. */
export async function calibrate(panel: InspectorPanel, settings: CalibSettings): Promise<JobStatus | undefined> {
  const data = await pickData(calibOf(panel).modelPath, 'calibrate');
  return data ? runCalibration(panel, data, settings, {}) : undefined;
}

/** The panel's Simulate PTQ… button. */
export async function simulatePtq(panel: InspectorPanel, settings: PtqSettings): Promise<JobStatus | undefined> {
  const data = await pickData(calibOf(panel).modelPath, 'ptq');
  return data ? runPtq(panel, data, settings, {}) : undefined;
}

export function exportCalibration(panel: InspectorPanel, format: CalibTableFormat, method: RangeMethod): Promise<string | undefined> {
  return exportCalibrationTable(calibOf(panel), { format, method });
}

/** Failures of a command the user started show as a notification; the command then returns 'failed'. */
async function orFailed(work: () => Promise<JobStatus | undefined>): Promise<JobStatus | undefined> {
  try {
    return await work();
  } catch (e) {
    void vscode.window.showErrorMessage(`QuantLens: ${e instanceof Error ? e.message : String(e)}`);
    return 'failed';
  }
}

/** The explorer's context menu passes the file's URI; the palette nothing; tests a request. */
function requestOf<R extends { readonly model?: string }>(arg: R | vscode.Uri | undefined): R | { model: string } | Record<string, never> {
  if (arg instanceof vscode.Uri) return { model: arg.fsPath };
  return arg ?? {};
}

export function registerCalibCommands(registry: PanelRegistry, extensionUri: vscode.Uri): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('quantlens.calibrate', (arg?: CalibrateRequest | vscode.Uri) => orFailed(async () => {
      const request: CalibrateRequest = requestOf(arg);
      const target = await modelAndData(registry, extensionUri, 'calibrate', request);
      return target && runCalibration(target.panel, target.data, { ...DEFAULT_CALIB_SETTINGS, ...request.settings }, request);
    })),
    vscode.commands.registerCommand('quantlens.simulatePtq', (arg?: PtqRequest | vscode.Uri) => orFailed(async () => {
      const request: PtqRequest = requestOf(arg);
      const target = await modelAndData(registry, extensionUri, 'ptq', request);
      return target && runPtq(target.panel, target.data, { ...DEFAULT_PTQ_SETTINGS, ...request.settings }, request);
    })),
    vscode.commands.registerCommand('quantlens.exportCalibrationTable', async (request: CalibExportRequest = {}) => {
      const calib = registry.active()?.document.calib;
      if (!calib) {
        void vscode.window.showInformationMessage('QuantLens: calibrate an ONNX model first (QuantLens: Calibrate Activations...).');
        return undefined;
      }
      return exportCalibrationTable(calib, request);
    }),
  ];
}
