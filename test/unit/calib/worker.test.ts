import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { runCalibration } from '../../../src/core/calib/runCalibration';
import { CancelledError, FormatError } from '../../../src/core/errors';
import type { CalibDataSpec, CalibrationOptions } from '../../../src/shared/calibTypes';
import { runCalibrationInWorker, runPtqInWorker, type CalibWorkerScript } from '../../../src/worker/host/calibClient';
import { ORT_SUITE_TIMEOUT_MS } from './slow';

const ROOT = path.join(__dirname, '..', '..', '..');
const MODEL = path.join(ROOT, 'samples/mlp/model.onnx');
/** The worker entry run from source: tsx compiles it in the worker thread too. */
const SCRIPT: CalibWorkerScript = { path: path.join(ROOT, 'src/worker/thread/calibWorker.ts'), execArgv: ['--require', 'tsx/cjs'] };
const CALIB: CalibDataSpec = { path: path.join(ROOT, 'samples/mlp/calib.npy'), inputKey: null, synthetic: null, samples: null, shapes: {}, seed: 0 };
const OPTIONS: CalibrationOptions = { batch: 32, methods: ['minmax', 'histogram'], bits: 8, mode: 'asymmetric', convention: 'torch', threads: 1 };
/** A sanity bound only: the brief wants cancel within 200 ms; a loaded CI machine gets slack. */
const CANCEL_BOUND_MS = 2000;

describe('calibration in a worker thread', function () {
  this.timeout(ORT_SUITE_TIMEOUT_MS);
  it('gives the same report as in-process, with progress', async () => {
    const progress: number[] = [];
    const inWorker = await runCalibrationInWorker(SCRIPT, MODEL, CALIB, OPTIONS, { onProgress: (p) => progress.push(p.samplesDone) });
    const inProcess = await runCalibration(MODEL, CALIB, OPTIONS);
    assert.deepEqual(inWorker.activations, inProcess.activations);
    assert.deepEqual(progress, [32, 64, 96, 128, 160, 192, 224, 256]);
  });

  it('rejects with CancelledError promptly when cancelled mid-run', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const long: CalibDataSpec = { ...CALIB, path: null, synthetic: 'normal', samples: 10_000_000 };
    const job = runCalibrationInWorker(SCRIPT, MODEL, long, OPTIONS, {
      onProgress: () => {
        if (abortedAt === 0) {
          abortedAt = Date.now();
          controller.abort();
        }
      },
    }, controller.signal);
    await assert.rejects(job, CancelledError);
    const took = Date.now() - abortedAt;
    assert.ok(abortedAt > 0 && took < CANCEL_BOUND_MS, `cancel took ${took} ms`);
  });

  it('passes bad-data errors back as FormatError, and runs PTQ too', async () => {
    await assert.rejects(runCalibrationInWorker(SCRIPT, MODEL, { ...CALIB, path: path.join(ROOT, 'samples/mlp/test.npz'), inputKey: 'y' }, OPTIONS), FormatError);
    const report = await runPtqInWorker(SCRIPT, MODEL, { ...CALIB, path: path.join(ROOT, 'samples/mlp/test.npz'), inputKey: 'x', samples: 100 }, null,
      { weights: ['int8'], activations: [], allWeights: false, labelsKey: 'y', convention: 'lecture', batch: 50, threads: 1 });
    assert.equal(report.runs.length, 1);
    assert.equal(report.samples, 100);
  });
});
