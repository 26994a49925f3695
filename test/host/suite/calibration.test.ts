import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { tempDir, writeNpy } from './files';
import { api, closeAllEditors, repoPath, waitForInspector } from './helpers';

const MODEL = ['samples', 'mlp', 'model.onnx'];
const CALIB = ['samples', 'mlp', 'calib.npy'];
const TEST = ['samples', 'mlp', 'test.npz'];
/** The sample MLP's float activations: Flatten, fc1 Gemm, Relu, fc2 Gemm, Relu, logits. */
const ACTIVATIONS = 6;
/** samples/mlp/expected.json (torch): float 93.7 %, weight-only int8 / int4 / int2 93.8 / 93.8 / 11.1 %. */
const FLOAT_ACCURACY = 93.7;
const WEIGHT_ONLY_ACCURACY: Record<string, number> = { 'int8:symmetric:tensor': 93.8, 'int4:symmetric:tensor': 93.8, 'int2:symmetric:tensor': 11.1 };
/** Accuracies are counts over 1000 samples: a tenth of a percent is one sample. */
const ACCURACY_TOLERANCE = 0.05;

describe('calibration and PTQ (ONNX)', () => {
  afterEach(closeAllEditors);

  it('Calibrate Activations: every activation with each method\'s qparams, in the Calibration tab; tables export', async function () {
    this.timeout(120_000);
    const quantlens = await api();
    const model = repoPath(...MODEL);
    const status = await vscode.commands.executeCommand('quantlens.calibrate', { model, data: repoPath(...CALIB) });
    assert.strictEqual(status, 'done');
    const done = await waitForInspector(quantlens, model, (i) => i.rendered?.tab === 'calibration' && i.rendered.calib.activationRows === ACTIVATIONS && i.rendered.chartsDrawn >= 1);
    const report = done.calibration?.report;
    assert.ok(report, 'calibration report');
    assert.strictEqual(report.samples, 256);
    assert.strictEqual(report.activations.length, ACTIVATIONS);
    assert.ok(report.methods.length >= 4, report.methods.join(','));
    for (const a of report.activations) {
      assert.ok(a.min <= a.max, a.name);
      for (const m of report.methods) {
        const q = a.methods[m];
        assert.ok(q && Number.isFinite(q.scale) && q.scale > 0 && Number.isInteger(q.zeroPoint), `${a.name} ${m}: ${JSON.stringify(q)}`);
      }
    }
    assert.strictEqual(done.rendered?.calib.selectedActivation, report.activations[0]?.name);

    const out = tempDir('quantlens-calib-');
    const exportAs = (format: string, method: string, name: string): Thenable<string> =>
      vscode.commands.executeCommand<string>('quantlens.exportCalibrationTable', { format, method, target: path.join(out, name) });
    const trt = fs.readFileSync(await exportAs('tensorrt', 'entropy', 'model.trt.cache'), 'utf8').trim().split('\n');
    assert.strictEqual(trt[0], 'TRT-8601-EntropyCalibration2');
    assert.strictEqual(trt.length, 1 + ACTIVATIONS);
    const ort = fs.readFileSync(await exportAs('ort', 'minmax', 'calibration.cache'), 'utf8').trim().split('\n');
    assert.strictEqual(ort.length, ACTIVATIONS);
    const json = JSON.parse(fs.readFileSync(await exportAs('json', 'minmax', 'c.json'), 'utf8')) as { activations: unknown[] };
    assert.strictEqual(json.activations.length, ACTIVATIONS);
  });

  it('Cancel stops a running calibration', async function () {
    this.timeout(120_000);
    const quantlens = await api();
    const model = repoPath(...MODEL);
    // One sample per batch: many progress steps to cancel between.
    const run = vscode.commands.executeCommand('quantlens.calibrate', { model, data: repoPath(...CALIB), batch: 1 });
    await waitForInspector(quantlens, model, (i) => (i.calibration?.progress?.samplesDone ?? 0) > 0);
    // the calibration, and the model's own analysis on open if it is still running
    const cancelled = await vscode.commands.executeCommand<number>('quantlens.cancelAnalysis');
    assert.ok(cancelled >= 1, `${cancelled} jobs cancelled`);
    assert.strictEqual(await run, 'cancelled');
    const after = await waitForInspector(quantlens, model, (i) => i.calibration?.status === 'cancelled');
    assert.strictEqual(after.calibration?.report, null);
    assert.ok((after.calibration?.progress?.samplesDone ?? 0) < 256, 'stopped before the end');
  });

  it('a data file of the wrong shape shows a one-line error in place', async function () {
    this.timeout(120_000);
    const quantlens = await api();
    const model = repoPath(...MODEL);
    const bad = path.join(tempDir('quantlens-bad-data-'), 'wrong.npy');
    writeNpy(bad, [8, 10]);
    assert.strictEqual(await vscode.commands.executeCommand('quantlens.calibrate', { model, data: bad }), 'failed');
    const failed = await waitForInspector(quantlens, model, (i) => i.calibration?.status === 'failed' && (i.rendered?.calib.calibrationError ?? null) !== null);
    const message = failed.calibration?.error?.message ?? '';
    assert.ok(message.length > 0 && !message.includes('\n'), `one line: ${message}`);
    assert.match(message, /shape|784|10/);
    assert.strictEqual(failed.rendered?.calib.calibrationError, message);
    assert.strictEqual(failed.rendered?.calib.activationRows, 0);
  });

  it('Simulate PTQ: float ≈ 93.7 %, weight-only 8/4/2 bits, agreement, output and per-layer SQNR, in the PTQ tab', async function () {
    this.timeout(240_000);
    const quantlens = await api();
    const model = repoPath(...MODEL);
    assert.strictEqual(await vscode.commands.executeCommand('quantlens.simulatePtq', { model, data: repoPath(...TEST) }), 'done');
    const done = await waitForInspector(quantlens, model, (i) => i.rendered?.tab === 'ptq' && i.rendered.calib.ptqRuns === (i.ptq?.report?.runs.length ?? -1) && i.rendered.chartsDrawn >= 3);
    const report = done.ptq?.report;
    assert.ok(report, 'PTQ report');
    assert.ok(Math.abs((report.float.accuracy ?? 0) - FLOAT_ACCURACY) < ACCURACY_TOLERANCE, `float ${report.float.accuracy}`);
    for (const [weights, expected] of Object.entries(WEIGHT_ONLY_ACCURACY)) {
      const run = report.runs.find((r) => r.weights === weights && r.activations === null);
      assert.ok(run && run.accuracy !== null && Math.abs(run.accuracy - expected) < ACCURACY_TOLERANCE, `${weights}: ${run?.accuracy}`);
      assert.ok(run.agreement > 0 && run.agreement <= 100, `${weights} agreement ${run.agreement}`);
    }
    const withActivations = report.runs.filter((r) => r.weights !== null && r.activations !== null);
    assert.strictEqual(withActivations.length, 3);
    for (const r of withActivations) assert.ok((r.layers?.length ?? 0) >= 4 && r.layers?.every((l) => l.sqnrDb === null || Number.isFinite(l.sqnrDb)), `${r.weights} + ${r.activations} layers`);
  });
});
