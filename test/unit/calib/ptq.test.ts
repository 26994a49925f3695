import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseActivationConfig, parseWeightConfig } from '../../../src/core/calib/ptq/configs';
import { fakeQuantize } from '../../../src/core/calib/ptq/fakeQuant';
import { dequantizedName, insertQdq } from '../../../src/core/calib/ptq/qdq';
import { runPtq } from '../../../src/core/calib/ptq/runPtq';
import { weightTargets } from '../../../src/core/calib/ptq/weightTargets';
import { ModelSession } from '../../../src/core/calib/session';
import { withTapOutputs } from '../../../src/core/calib/taps';
import { decodeModel, encodeModel } from '../../../src/core/onnxproto/codec';
import { readFloat32, tensorShape } from '../../../src/core/onnxproto/floatTensor';
import { UsageError } from '../../../src/core/errors';
import { roundHalfEven } from '../../../src/core/numeric/rounding';
import type { CalibDataSpec } from '../../../src/shared/calibTypes';
import { run } from '../cli/run';
import { ORT_SUITE_TIMEOUT_MS } from './slow';

const ROOT = path.join(__dirname, '..', '..', '..');
const MODEL = path.join(ROOT, 'samples/mlp/model.onnx');
const MLP = fs.readFileSync(MODEL);
const EXPECTED = JSON.parse(fs.readFileSync(path.join(ROOT, 'samples/mlp/expected.json'), 'utf8')) as {
  floatAccuracy: number;
  weightOnlyFakeQuant: { results: { bits: number; accuracy: number; scales: Record<string, number> }[] };
};
const TEST: CalibDataSpec = { path: path.join(ROOT, 'samples/mlp/test.npz'), inputKey: 'x', synthetic: null, samples: null, shapes: {}, seed: 0 };
/** The brief's tolerance for torch's weight-only accuracies, in points. */
const ACCURACY_TOLERANCE = 0.2;

describe('ptq', function () {
  this.timeout(ORT_SUITE_TIMEOUT_MS);
  it('parses weight and activation configs, with one-line errors', () => {
    assert.deepEqual(parseWeightConfig('int4'), { label: 'int4:symmetric:tensor', bits: 4, mode: 'symmetric', granularity: 'tensor', groupSize: null });
    assert.equal(parseWeightConfig('int4:asymmetric:group:64').groupSize, 64);
    assert.equal(parseWeightConfig('int8:symmetric:group').groupSize, 128);
    assert.throws(() => parseWeightConfig('int9'), UsageError);
    assert.throws(() => parseWeightConfig('int8:sym'), /unknown mode sym/);
    assert.deepEqual(parseActivationConfig('int8:percentile:99.99'), { label: 'int8:percentile:99.99', type: 'int8', mode: 'symmetric', method: 'percentile:99.99' });
    assert.throws(() => parseActivationConfig('uint4'), UsageError);
  });

  it('quantizes the weights that feed MatMul/Gemm/Conv (or all float initializers)', () => {
    const graph = decodeModel(MLP).graph!;
    assert.deepEqual(weightTargets(graph, false), ['fc1.weight', 'fc2.weight', 'fc3.weight']);
    assert.equal(weightTargets(graph, true).length, 6);
  });

  it('fake-quantizes per tensor with the scales torch used (expected.json), per channel and per group', () => {
    const graph = decodeModel(MLP).graph!;
    const t = graph.initializer.find((i) => i.name === 'fc2.weight')!;
    const w = readFloat32(t);
    for (const r of EXPECTED.weightOnlyFakeQuant.results) {
      const q = fakeQuantize(w, tensorShape(t), parseWeightConfig(`int${r.bits}`), 'lecture');
      const scale = r.scales['fc2.weight']!;
      const levels = new Set(Array.from(q, (v) => Math.round(v / scale)));
      assert.ok(levels.size <= 2 ** r.bits, `${levels.size} levels at ${r.bits} bits`);
      assert.equal(q[0], Math.fround(scale * roundHalfEven(Math.fround(w[0]! / scale))));
    }
    const shape = tensorShape(t);
    const perChannel = fakeQuantize(w, shape, parseWeightConfig('int4:symmetric:channel'), 'lecture');
    const perGroup = fakeQuantize(w, shape, parseWeightConfig('int4:symmetric:group:32'), 'lecture');
    const err = (q: Float32Array) => q.reduce((s, v, i) => s + (v - w[i]!) ** 2, 0);
    const perTensor = fakeQuantize(w, shape, parseWeightConfig('int4'), 'lecture');
    assert.ok(err(perGroup) < err(perChannel) && err(perChannel) < err(perTensor));
  });

  it('inserts Q/DQ pairs that onnxruntime runs exactly as the affine formula', async () => {
    const model = decodeModel(MLP);
    const scale = Math.fround(0.05);
    const done = insertQdq(model, [{ name: '/Relu_output_0', scale, zeroPoint: 3, type: 'uint8' }, { name: 'logits', scale: 1, zeroPoint: 0, type: 'int8' }]);
    assert.deepEqual(done, ['/Relu_output_0'], 'logits feeds no node and stays float');
    const fc2 = model.graph!.node.find((n) => n.name === '/fc2/Gemm')!;
    assert.equal(fc2.input[0], dequantizedName('/Relu_output_0'));
    const session = await ModelSession.create(encodeModel(withTapOutputs(model, ['/Relu_output_0', dequantizedName('/Relu_output_0')])));
    const x = new Float32Array(3 * 784).map((_, i) => Math.cos(i));
    const out = await session.run({ input: session.tensor('float32', x, [3, 784]) });
    const relu = out['/Relu_output_0']!.data as Float32Array;
    const dq = out[dequantizedName('/Relu_output_0')]!.data as Float32Array;
    relu.forEach((v, i) => {
      const q = Math.min(255, Math.max(0, roundHalfEven(Math.fround(v / scale)) + 3));
      assert.equal(dq[i], Math.fround((q - 3) * scale));
    });
    await session.release();
  });

  it('reproduces torch weight-only accuracies on the sample within 0.2 points, and reports W+A runs per layer', async () => {
    const report = await runPtq(MODEL, TEST, { ...TEST, path: path.join(ROOT, 'samples/mlp/calib.npy'), inputKey: null }, {
      weights: ['int8', 'int4', 'int2'], activations: ['uint8'], allWeights: false, labelsKey: 'y', convention: 'lecture', batch: 250, threads: null,
    });
    assert.equal(report.samples, 1000);
    assert.ok(Math.abs(report.float.accuracy! - EXPECTED.floatAccuracy * 100) < 1e-9);
    for (const r of EXPECTED.weightOnlyFakeQuant.results) {
      const got = report.runs.find((x) => x.weights === `int${r.bits}:symmetric:tensor` && x.activations === null)!;
      assert.ok(Math.abs(got.accuracy! - r.accuracy * 100) <= ACCURACY_TOLERANCE, `int${r.bits}: ${got.accuracy} vs torch ${r.accuracy * 100}`);
    }
    const int8 = report.runs.find((x) => x.weights === 'int8:symmetric:tensor' && x.activations === null)!;
    assert.ok(int8.agreement > 99 && int8.outputSqnrDb! > 35);
    const wa = report.runs.find((x) => x.weights === 'int8:symmetric:tensor' && x.activations === 'uint8:minmax')!;
    assert.deepEqual(wa.layers!.map((l) => l.name), ['/Flatten_output_0', '/fc1/Gemm_output_0', '/Relu_output_0', '/fc2/Gemm_output_0', '/Relu_1_output_0']);
    assert.ok(wa.layers!.every((l) => l.sqnrDb! > 25), JSON.stringify(wa.layers));
    assert.ok(wa.accuracy! > 92);
    assert.equal(report.runs.length, 3 + 4);
  });

  it('prints CLI.md JSON and exits 2 when the labels do not fit', async () => {
    const r = await run('ptq', MODEL, '--data', path.join(ROOT, 'samples/mlp/test.npz'), '--weights', 'int8', '--samples', '200', '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { float: { accuracy: number }; runs: { weights: string; activations: null; accuracy: number; agreement: number; outputSqnrDb: number }[] };
    assert.equal(typeof j.float.accuracy, 'number');
    assert.deepEqual(Object.keys(j.runs[0]!).sort(), ['accuracy', 'activations', 'agreement', 'outputSqnrDb', 'weights']);
    const bad = await run('ptq', MODEL, '--data', path.join(ROOT, 'samples/mlp/test.npz'), '--labels-key', 'x', '--weights', 'int8');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /labels 'x' have shape \[1000, 784\], expected \[1000\]/);
  });
});
