/**
 * Messages between a host and a calibration worker (dist/calibWorker.js). One worker runs one job:
 * it gets a single request, may post progress, and ends with a result or an error. Cancelling is
 * `worker.terminate()`, which is safe while onnxruntime-web runs (onnx-runtime.md).
 */
import type { CalibDataSpec, CalibrationOptions, CalibrationProgress, CalibrationReport, PtqOptions, PtqProgress, PtqReport } from './calibTypes';
import type { SerializedError } from './workerProtocol';

export type CalibJobRequest =
  | { readonly kind: 'calibrate'; readonly model: string; readonly data: CalibDataSpec; readonly options: CalibrationOptions }
  | { readonly kind: 'ptq'; readonly model: string; readonly data: CalibDataSpec; readonly calibData: CalibDataSpec | null; readonly options: PtqOptions };

export type CalibJobMessage =
  | { readonly kind: 'progress'; readonly progress: CalibrationProgress | PtqProgress }
  | { readonly kind: 'calibrated'; readonly report: CalibrationReport }
  | { readonly kind: 'ptqDone'; readonly report: PtqReport }
  | { readonly kind: 'error'; readonly error: SerializedError };
