/**
 * Calibration worker entry (dist/calibWorker.js): runs one calibration or PTQ job with its own
 * onnxruntime-web instance and posts progress and the report. The host cancels by terminating it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runPtq } from '../../core/calib/ptq/runPtq';
import { runCalibration } from '../../core/calib/runCalibration';
import { assertNever } from '../../shared/assertNever';
import type { CalibrationProgress, PtqProgress } from '../../shared/calibTypes';
import type { CalibJobMessage, CalibJobRequest } from '../../shared/calibWorkerProtocol';
import { serializeError } from '../errors';

const port = parentPort;
if (!port) throw new Error('calibWorker.js must run as a worker thread');

function post(message: CalibJobMessage): void {
  port!.postMessage(message);
}

async function serve(request: CalibJobRequest): Promise<CalibJobMessage> {
  const onProgress = (progress: CalibrationProgress | PtqProgress): void => post({ kind: 'progress', progress });
  switch (request.kind) {
    case 'calibrate':
      return { kind: 'calibrated', report: await runCalibration(request.model, request.data, request.options, { onProgress }) };
    case 'ptq':
      return { kind: 'ptqDone', report: await runPtq(request.model, request.data, request.calibData, request.options, { onProgress }) };
    default:
      return assertNever(request, 'calibration job');
  }
}

serve(workerData as CalibJobRequest).then(post, (e: unknown) => post({ kind: 'error', error: serializeError(e) }));
