import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CALIB_TABLES } from '../../../src/core/calib/tables/calibrationTables';
import { parseOrtCalibrationCache } from '../../../src/core/calib/tables/ortTable';
import { parseTensorrtCalibrationCache } from '../../../src/core/calib/tables/tensorrtTable';
import { CALIB_TABLE_FORMATS } from '../../../src/shared/calibPanelProtocol';
import { run } from '../cli/run';
import { tempDir, writeNpy } from './npy';
import { ORT_SUITE_TIMEOUT_MS } from './slow';

const ROOT = path.join(__dirname, '..', '..', '..');
const MODEL = path.join(ROOT, 'samples/mlp/model.onnx');
const CALIB = path.join(ROOT, 'samples/mlp/calib.npy');

interface CalibJson {
  model: string;
  samples: number;
  activations: { name: string; node: string; op: string; min: number; max: number; methods: Record<string, { min: number; max: number; scale: number; zeroPoint: number }> }[];
}

describe('quantlens calibrate', function () {
  this.timeout(ORT_SUITE_TIMEOUT_MS);
  it('reports every activation with min, max and qparams per method (CLI.md JSON)', async () => {
    const r = await run('calibrate', MODEL, '--data', CALIB, '--methods', 'minmax', '--convention', 'torch', '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as CalibJson;
    assert.equal(j.model, 'model.onnx');
    assert.equal(j.samples, 256);
    assert.deepEqual(j.activations.map((a) => a.name), ['/Flatten_output_0', '/fc1/Gemm_output_0', '/Relu_output_0', '/fc2/Gemm_output_0', '/Relu_1_output_0', 'logits']);
    const relu = j.activations[2]!;
    assert.equal(relu.op, 'Relu');
    assert.equal(relu.node, '/Relu');
    assert.equal(relu.min, 0);
    // torch quint8 affine on [0, max]: scale = max / 255, zero point 0.
    assert.equal(relu.methods.minmax!.scale, Math.fround(relu.max / 255));
    assert.equal(relu.methods.minmax!.zeroPoint, 0);
  });

  it('prints a table by default', async () => {
    const r = await run('calibrate', MODEL, '--data', CALIB, '--methods', 'minmax', '--samples', '64');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /6 activations over 64 samples in 2 batches \(input <- calib\.npy\)/);
    assert.match(r.stdout, /\/fc1\/Gemm_output_0\s+Gemm/);
  });

  it('writes ORT and TensorRT calibration caches that parse back', async () => {
    const dir = tempDir();
    const ort = path.join(dir, 'calibration.cache');
    const trt = path.join(dir, 'trt.cache');
    assert.equal((await run('calibrate', MODEL, '--data', CALIB, '--methods', 'minmax', '--format', 'ort', '--out', ort)).code, 0);
    assert.equal((await run('calibrate', MODEL, '--data', CALIB, '--methods', 'minmax', '--format', 'tensorrt', '--out', trt)).code, 0);
    const ranges = parseOrtCalibrationCache(fs.readFileSync(ort, 'utf8'));
    assert.equal(ranges.size, 6);
    assert.equal(ranges.get('/Relu_output_0'), ranges.get('/fc1/Gemm_output_0'));
    const { scales } = parseTensorrtCalibrationCache(fs.readFileSync(trt, 'utf8'));
    assert.equal(scales.size, 6);
    assert.ok(Math.abs(scales.get('logits')! * 127 - 19.4796) < 1e-3);
  });

  it('exits 2 on bad data and 1 on bad usage, with one line on stderr', async () => {
    const dir = tempDir();
    const bad = writeNpy(dir, 'bad.npy', new Float64Array(2 * 784), [2, 784]);
    const r = await run('calibrate', MODEL, '--data', bad);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^quantlens: .*bad\.npy is F64, but model input 'input' wants float32/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    const u = await run('calibrate', MODEL, '--data', CALIB, '--methods', 'nope');
    assert.equal(u.code, 1);
    assert.match(u.stderr, /unknown range method nope/);
    assert.equal((await run('calibrate', MODEL)).code, 1);
  });

  it('calibrates Silero VAD v5 on synthetic audio with a given sample rate, inside its If branches', async () => {
    const dir = tempDir();
    const sr = writeNpy(dir, 'sr.npy', BigInt64Array.of(16000n), []);
    const r = await run('calibrate', path.join(ROOT, 'test/fixtures/calib/silero_vad_v5.onnx'), '--data', sr, '--synthetic', 'normal',
      '--shape', 'input:1x512,state:2x1x128', '--samples', '8', '--methods', 'minmax', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const j = JSON.parse(r.stdout) as CalibJson & { notes: string[] };
    assert.ok(j.activations.length > 50, `${j.activations.length} activations`);
    for (const op of ['Conv', 'Relu', 'Sigmoid']) assert.ok(j.activations.some((a) => a.op === op), op);
    assert.ok(j.notes.some((n) => /If 'If_0' took its then branch on every batch/.test(n)));
    assert.ok(!j.notes.some((n) => /subgraphs are not observed/.test(n)));
  });

  it('observes an If only while every batch takes the same branch', async () => {
    const dir = tempDir();
    const model = path.join(ROOT, 'test/fixtures/calib/if_sign.onnx');
    const x = new Float32Array(8 * 4).fill(1);
    x.fill(-1, 4 * 4);
    const data = writeNpy(dir, 'x.npy', x, [8, 4]);
    const same = await run('calibrate', model, '--data', data, '--batch', '4', '--samples', '4', '--methods', 'minmax', '--json');
    assert.equal(same.code, 0, same.stderr);
    assert.deepEqual((JSON.parse(same.stdout) as CalibJson).activations.map((a) => a.name), ['sum', 'then_relu', 'then_out', 'y']);
    const mixed = await run('calibrate', model, '--data', data, '--batch', '4', '--methods', 'minmax');
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /If 'If' takes the other branch from sample 4 on/);
  });

  it('--help lists every calibration table format with its description, from the one table', async () => {
    const r = await run('calibrate', '--help');
    assert.equal(r.code, 0, r.stderr);
    for (const f of CALIB_TABLE_FORMATS) assert.match(r.stdout, new RegExp(`^ +${f} +${CALIB_TABLES[f].description.replace(/[()]/g, '\\$&')}$`, 'm'), f);
  });
});
