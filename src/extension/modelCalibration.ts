import * as path from 'path';
import * as vscode from 'vscode';
import type { CalibDataSpec, CalibrationOptions, CalibrationProgress, CalibrationReport, PtqOptions, PtqProgress, PtqReport } from '../shared/calibTypes';
import type { CalibHostToWebview } from '../shared/calibPanelProtocol';
import { runCalibrationInWorker, runPtqInWorker, type CalibWorkerScript } from '../worker/host/calibClient';
import type { DataChoice } from './calibFiles';
import { Job } from './job';
import type { JobOutcome } from './jobRunner';

/** CalibDataSpec for a file on disk (no synthetic inputs, every sample). */
export function dataSpec(choice: DataChoice): CalibDataSpec {
  return { path: choice.path, inputKey: choice.inputKey, synthetic: null, samples: null, shapes: {}, seed: 0 };
}

function dataLabel(choice: DataChoice): string {
  return `${path.basename(choice.path)}${choice.inputKey ? `:${choice.inputKey}` : ''}`;
}

/**
 * The Calibration and PTQ jobs of one ONNX model: each runs in its own calibration worker
 * (dist/calibWorker.js), so cancelling terminates it at once.
 */
export class ModelCalibration implements vscode.Disposable {
  readonly calibration = new Job<CalibrationOptions, CalibrationProgress, CalibrationReport>();
  readonly ptq = new Job<PtqOptions, PtqProgress, PtqReport>();
  private readonly changed = new vscode.EventEmitter<CalibHostToWebview>();
  /** The panel messages that mirror both jobs' states. */
  readonly onMessage = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(readonly modelPath: string, private readonly script: CalibWorkerScript, onStatus: () => void) {
    this.subscriptions = [
      this.calibration.onDidChange((state) => {
        this.changed.fire({ type: 'calibrationState', state });
        onStatus();
      }),
      this.ptq.onDidChange((state) => {
        this.changed.fire({ type: 'ptqState', state });
        onStatus();
      }),
    ];
  }

  get modelName(): string {
    return path.basename(this.modelPath);
  }

  calibrate(data: DataChoice, options: CalibrationOptions): Promise<JobOutcome> {
    return this.calibration.start({
      title: `QuantLens: calibrating ${this.modelName}`,
      dataPath: data.path,
      dataLabel: dataLabel(data),
      options,
      run: (onProgress, signal) => runCalibrationInWorker(this.script, this.modelPath, dataSpec(data), options, { onProgress }, signal),
      describe: (p) => ({ message: `${p.samplesDone} / ${p.samplesTotal} samples`, fraction: p.samplesTotal > 0 ? p.samplesDone / p.samplesTotal : 0 }),
    });
  }

  simulatePtq(data: DataChoice, calibData: DataChoice | null, options: PtqOptions): Promise<JobOutcome> {
    return this.ptq.start({
      title: `QuantLens: simulating PTQ of ${this.modelName}`,
      dataPath: data.path,
      dataLabel: dataLabel(data),
      options,
      run: (onProgress, signal) => runPtqInWorker(this.script, this.modelPath, dataSpec(data), calibData && dataSpec(calibData), options, { onProgress }, signal),
      describe: (p) => ({ message: `${p.runsDone} / ${p.runsTotal} runs`, fraction: p.runsTotal > 0 ? p.runsDone / p.runsTotal : 0 }),
    });
  }

  /** Messages that bring a freshly loaded panel up to date. */
  replay(): CalibHostToWebview[] {
    return [{ type: 'calibrationState', state: this.calibration.state }, { type: 'ptqState', state: this.ptq.state }];
  }

  /** A calibration or a PTQ simulation is running. */
  get running(): boolean {
    return this.calibration.running || this.ptq.running;
  }

  /** Cancels the running jobs; returns how many there were. */
  cancelAll(): number {
    const running = [this.calibration, this.ptq].filter((j) => j.running);
    for (const j of running) j.cancel();
    return running.length;
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.calibration.dispose();
    this.ptq.dispose();
    this.changed.dispose();
  }
}
