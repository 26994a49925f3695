/**
 * Runs calibration and PTQ jobs in a worker thread each, so the host stays responsive and a
 * cancel is immediate: aborting terminates the worker (safe with onnxruntime-web) and the promise
 * rejects with CancelledError.
 */
import { Worker } from 'node:worker_threads';
import { CancelledError } from '../../core/errors';
import type { CalibDataSpec, CalibrationHooks, CalibrationOptions, CalibrationProgress, CalibrationReport, PtqHooks, PtqOptions, PtqProgress, PtqReport } from '../../shared/calibTypes';
import type { CalibJobMessage, CalibJobRequest } from '../../shared/calibWorkerProtocol';
import { deserializeError, WorkerCrashedError } from '../errors';

export interface CalibWorkerScript {
  /** dist/calibWorker.js (or the .ts entry with a loader in execArgv, for tests). */
  readonly path: string;
  readonly execArgv?: readonly string[];
}

function runJob(script: CalibWorkerScript, request: CalibJobRequest, onProgress: (p: CalibrationProgress | PtqProgress) => void, signal?: AbortSignal): Promise<CalibJobMessage> {
  if (signal?.aborted) return Promise.reject(new CancelledError());
  return new Promise((resolve, reject) => {
    const worker = new Worker(script.path, { workerData: request, execArgv: script.execArgv ? [...script.execArgv] : undefined });
    let settled = false;
    let cancelling = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      f();
    };
    // Settles on the worker's exit, so a cancelled job has really stopped when the promise rejects.
    const onAbort = (): void => {
      cancelling = true;
      void worker.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: CalibJobMessage) => {
      if (cancelling) return;
      if (m.kind === 'progress') {
        if (!settled) onProgress(m.progress);
        return;
      }
      finish(() => (m.kind === 'error' ? reject(deserializeError(m.error)) : resolve(m)));
      void worker.terminate();
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(cancelling ? new CancelledError() : new WorkerCrashedError(`calibration worker exited with code ${code}`))));
  });
}

export async function runCalibrationInWorker(
  script: CalibWorkerScript, model: string, data: CalibDataSpec, options: CalibrationOptions, hooks: CalibrationHooks = {}, signal?: AbortSignal,
): Promise<CalibrationReport> {
  const m = await runJob(script, { kind: 'calibrate', model, data, options }, (p) => hooks.onProgress?.(p as CalibrationProgress), signal);
  if (m.kind !== 'calibrated') throw new Error(`calibration worker answered ${m.kind}`);
  return m.report;
}

export async function runPtqInWorker(
  script: CalibWorkerScript, model: string, data: CalibDataSpec, calibData: CalibDataSpec | null, options: PtqOptions, hooks: PtqHooks = {}, signal?: AbortSignal,
): Promise<PtqReport> {
  const m = await runJob(script, { kind: 'ptq', model, data, calibData, options }, (p) => hooks.onProgress?.(p as PtqProgress), signal);
  if (m.kind !== 'ptqDone') throw new Error(`calibration worker answered ${m.kind}`);
  return m.report;
}
