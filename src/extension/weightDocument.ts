import * as path from 'path';
import * as vscode from 'vscode';
import type { ModelSummary } from '../shared/analysisTypes';
import type { PanelError } from '../shared/webviewProtocol';
import type { CalibWorkerScript } from '../worker/host/calibClient';
import { DocumentAnalysis } from './documentAnalysis';
import { ModelCalibration } from './modelCalibration';
import { toPanelError } from './panelError';
import { poolPlanErrors } from './planErrors';
import { DocumentPlan } from './planSession';
import type { PoolClient } from './poolClient';

/** A weight file opened in the inspector: its headers (or why they could not be read) and its analysis. */
export class WeightDocument implements vscode.CustomDocument {
  readonly analysis: DocumentAnalysis;
  /** Whether the first panel should analyse right away (a small file with readable headers). */
  autoAnalyzePending: boolean;
  /** Calibration and PTQ: ONNX models only (null for every other file). */
  readonly calib: ModelCalibration | null;
  /** The Plan tab: stock presets and plans of this file, made on request. */
  readonly plan: DocumentPlan;

  private constructor(
    readonly uri: vscode.Uri,
    readonly summary: ModelSummary | null,
    readonly error: PanelError | null,
    readonly fileSize: number,
    pool: PoolClient,
    onStatus: () => void,
    autoAnalyzeLimit: number,
    calibScript: CalibWorkerScript,
    planCacheDir: string,
  ) {
    this.analysis = new DocumentAnalysis([uri.fsPath], path.basename(uri.fsPath), fileSize, pool, onStatus);
    this.autoAnalyzePending = summary !== null && fileSize <= autoAnalyzeLimit && autoAnalyzeLimit > 0;
    // A folder standing for an ONNX model opens too, but the runtime needs the .onnx file itself.
    const runnable = summary !== null && summary.format.startsWith('onnx') && /\.onnx$/i.test(uri.fsPath);
    this.calib = runnable ? new ModelCalibration(uri.fsPath, calibScript, onStatus) : null;
    this.plan = new DocumentPlan([uri.fsPath], path.basename(uri.fsPath), poolPlanErrors(pool, [uri.fsPath], planCacheDir), planCacheDir);
  }

  /** Reads headers only; a file that cannot be read still opens, showing its error. */
  /** `planCacheDir`: where the Plan tab caches per-candidate errors (the extension's global storage). */
  static async open(
    uri: vscode.Uri, pool: PoolClient, onStatus: () => void, autoAnalyzeLimit: number, calibScript: CalibWorkerScript, planCacheDir: string,
  ): Promise<WeightDocument> {
    if (uri.scheme !== 'file') {
      const error = { message: `QuantLens reads files on disk; ${uri.scheme}: resources are not supported.` };
      return new WeightDocument(uri, null, error, 0, pool, onStatus, 0, calibScript, planCacheDir);
    }
    let summary: ModelSummary | null = null;
    let error: PanelError | null = null;
    let fileSize = 0;
    try {
      fileSize = (await vscode.workspace.fs.stat(uri)).size;
      summary = await pool.get().inspect([uri.fsPath]);
    } catch (e) {
      error = toPanelError(e);
    }
    return new WeightDocument(uri, summary, error, fileSize, pool, onStatus, autoAnalyzeLimit, calibScript, planCacheDir);
  }

  /** Something of this file is running: its analysis, a calibration or a PTQ simulation. */
  get busy(): boolean {
    return this.analysis.running || (this.calib?.running ?? false) || this.plan.running;
  }

  /** Cancels whatever of this file runs; returns how many runs that stopped. */
  cancelAll(): number {
    const analysis = this.analysis.running ? 1 : 0;
    const plan = this.plan.running ? 1 : 0;
    this.analysis.cancel();
    this.plan.cancelErrors();
    return analysis + plan + (this.calib?.cancelAll() ?? 0);
  }

  get fileName(): string {
    return path.basename(this.uri.fsPath);
  }

  dispose(): void {
    this.analysis.dispose();
    this.calib?.dispose();
    this.plan.dispose();
  }
}
