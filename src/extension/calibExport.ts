import * as path from 'path';
import * as vscode from 'vscode';
import { CALIB_TABLES, calibrationTable } from '../core/calib/tables/calibrationTables';
import type { RangeMethod } from '../shared/analysisTypes';
import { CALIB_TABLE_FORMATS, type CalibTableFormat } from '../shared/calibPanelProtocol';
import type { ModelCalibration } from './modelCalibration';

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
    CALIB_TABLE_FORMATS.map((f) => ({ label: f, description: CALIB_TABLES[f].description, format: f })),
    { title: 'QuantLens: export the calibration table as' },
  ))?.format;
  if (!format) return undefined;
  const method = request.method ?? report.methods[0];
  if (method === undefined || !report.methods.includes(method)) throw new Error(`The calibration did not compute range method ${String(method)}.`);
  const base = calib.modelName.replace(/\.onnx$/i, '');
  const target = request.target
    ? vscode.Uri.file(request.target)
    : await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(path.join(path.dirname(calib.modelPath), CALIB_TABLES[format].fileName(base))),
        title: `QuantLens: export calibration table (${format}${format === 'json' ? '' : `, ${method}`})`,
      });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(calibrationTable(report, format, method)));
  return target.fsPath;
}
