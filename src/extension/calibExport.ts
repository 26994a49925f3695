import * as path from 'path';
import * as vscode from 'vscode';
import type { RangeMethod } from '../shared/analysisTypes';
import { CALIB_TABLE_FORMATS, type CalibTableFormat } from '../shared/calibPanelProtocol';
import { calibrationTable } from './calibFiles';
import type { ModelCalibration } from './modelCalibration';

/** File names the tools that read these tables expect (onnxruntime writes calibration.cache / .json). */
const FILE_NAMES: Record<CalibTableFormat, (base: string) => string> = {
  json: (base) => `${base}.calibration.json`,
  ort: () => 'calibration.cache',
  'ort-json': () => 'calibration.json',
  tensorrt: (base) => `${base}.trt.cache`,
};
const DESCRIPTIONS: Record<CalibTableFormat, string> = {
  json: 'the calibrate --json report: every activation, every method',
  ort: 'onnxruntime calibration.cache (one method\'s ranges)',
  'ort-json': 'onnxruntime calibration.json (one method\'s ranges)',
  tensorrt: 'TensorRT EntropyCalibration2 cache (one method\'s scales)',
};

export interface CalibExportRequest {
  readonly format?: CalibTableFormat;
  /** The range method whose ranges the ORT / TensorRT tables carry; default the report's first. */
  readonly method?: RangeMethod;
  /** Absolute path to write; skips the save dialog. */
  readonly target?: string;
}

/** Writes the finished calibration's table; returns the path written, or undefined if the user backed out. */
export async function exportCalibrationTable(calib: ModelCalibration, request: CalibExportRequest): Promise<string | undefined> {
  const report = calib.calibration.state.report;
  if (!report) {
    void vscode.window.showWarningMessage('QuantLens: run a calibration to completion before exporting its table.');
    return undefined;
  }
  const format = request.format ?? (await vscode.window.showQuickPick(
    CALIB_TABLE_FORMATS.map((f) => ({ label: f, description: DESCRIPTIONS[f], format: f })),
    { title: 'QuantLens: export the calibration table as' },
  ))?.format;
  if (!format) return undefined;
  const method = request.method ?? report.methods[0];
  if (method === undefined || !report.methods.includes(method)) throw new Error(`The calibration did not compute range method ${String(method)}.`);
  const base = calib.modelName.replace(/\.onnx$/i, '');
  const target = request.target
    ? vscode.Uri.file(request.target)
    : await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(path.join(path.dirname(calib.modelPath), FILE_NAMES[format](base))),
        title: `QuantLens: export calibration table (${format}${format === 'json' ? '' : `, ${method}`})`,
      });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(calibrationTable(report, format, method)));
  return target.fsPath;
}
