import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runCalibrationInWorker } from '../../../src/worker/host/calibClient';
import { ORT_SUITE_TIMEOUT_MS } from './slow';

const ROOT = path.join(__dirname, '..', '..', '..');
const DIST = path.join(ROOT, 'dist');
const run = promisify(execFile);

/** The shipped layout: bundles with onnxruntime's wasm beside them (npm test builds first). */
describe('built bundles (dist/)', function () {
  this.timeout(ORT_SUITE_TIMEOUT_MS);
  before(function () {
    if (!fs.existsSync(path.join(DIST, 'cli.js'))) this.skip();
  });

  it('ship the onnxruntime wasm next to cli.js and calibWorker.js', () => {
    for (const f of ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs', 'calibWorker.js']) assert.ok(fs.existsSync(path.join(DIST, f)), f);
  });

  it('calibrate from the CLI bundle, run from another folder', async () => {
    const { stdout } = await run(process.execPath, [path.join(DIST, 'cli.js'), 'calibrate', path.join(ROOT, 'samples/mlp/model.onnx'),
      '--data', path.join(ROOT, 'samples/mlp/calib.npy'), '--methods', 'minmax', '--json'], { cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'quantlens-bundle-')) });
    assert.equal((JSON.parse(stdout) as { activations: unknown[] }).activations.length, 6);
  });

  it('calibrate in dist/calibWorker.js', async () => {
    const report = await runCalibrationInWorker({ path: path.join(DIST, 'calibWorker.js') }, path.join(ROOT, 'samples/mlp/model.onnx'),
      { path: path.join(ROOT, 'samples/mlp/calib.npy'), inputKey: null, synthetic: null, samples: 64, shapes: {}, seed: 0 },
      { batch: 32, methods: ['minmax'], bits: 8, mode: 'asymmetric', convention: 'lecture', threads: 1 });
    assert.equal(report.samples, 64);
  });
});
