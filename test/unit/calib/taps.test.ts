import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toFeeds } from '../../../src/core/calib/feeds';
import { inlineFixedIfs } from '../../../src/core/calib/ifInline';
import { ModelSession } from '../../../src/core/calib/session';
import { mainGraphNodeOutputs, nestedNodeCount, withTapOutputs } from '../../../src/core/calib/taps';
import { decodeModel, encodeModel } from '../../../src/core/onnxproto/codec';
import { readFloat32, tensorShape } from '../../../src/core/onnxproto/floatTensor';
import { ORT_SUITE_TIMEOUT_MS } from './slow';

const ROOT = path.join(__dirname, '..', '..', '..');
const MLP = fs.readFileSync(path.join(ROOT, 'samples/mlp/model.onnx'));
const ROWS = 5;
const FEATURES = 784;

function input(): Float32Array {
  return new Float32Array(ROWS * FEATURES).map((_, i) => Math.sin(i * 0.37) * 2);
}

describe('activation taps', function () {
  this.timeout(ORT_SUITE_TIMEOUT_MS);
  it('lists every main-graph node output of the MLP with its node and op', () => {
    const outputs = mainGraphNodeOutputs(decodeModel(MLP).graph!);
    assert.deepEqual(outputs.map((o) => `${o.node}:${o.op}:${o.name}`), [
      '/Flatten:Flatten:/Flatten_output_0',
      '/fc1/Gemm:Gemm:/fc1/Gemm_output_0',
      '/Relu:Relu:/Relu_output_0',
      '/fc2/Gemm:Gemm:/fc2/Gemm_output_0',
      '/Relu_1:Relu:/Relu_1_output_0',
      '/fc3/Gemm:Gemm:logits',
    ]);
  });

  for (const optimization of ['disabled', 'all'] as const) {
    it(`keeps the model outputs identical to the unmodified model (graphOptimizationLevel ${optimization})`, async () => {
      const model = decodeModel(MLP);
      const tapped = encodeModel(withTapOutputs(model, mainGraphNodeOutputs(model.graph!).map((o) => o.name)));
      const plain = await ModelSession.create(MLP, { optimization });
      const taps = await ModelSession.create(tapped, { optimization });
      assert.equal(taps.outputs[0]!.name, 'logits');
      assert.equal(taps.outputs.length, 6);
      assert.ok(taps.outputs.every((o) => o.type === 'float32'));
      const x = input();
      const a = await plain.run({ input: plain.tensor('float32', x, [ROWS, FEATURES]) });
      const b = await taps.run({ input: taps.tensor('float32', x, [ROWS, FEATURES]) });
      assert.deepEqual(Array.from(b.logits!.data as Float32Array), Array.from(a.logits!.data as Float32Array));
      await plain.release();
      await taps.release();
    });
  }

  it('returns fc1 outputs equal to x W^T + b computed here', async () => {
    const model = decodeModel(MLP);
    const graph = model.graph!;
    const weight = graph.initializer.find((t) => t.name === 'fc1.weight')!;
    const bias = graph.initializer.find((t) => t.name === 'fc1.bias')!;
    const [outF, inF] = tensorShape(weight) as [number, number];
    const w = readFloat32(weight);
    const b = readFloat32(bias);
    const session = await ModelSession.create(encodeModel(withTapOutputs(model, ['/fc1/Gemm_output_0'])));
    const x = input();
    const out = await session.run({ input: session.tensor('float32', x, [ROWS, FEATURES]) }, ['/fc1/Gemm_output_0']);
    const got = out['/fc1/Gemm_output_0']!.data as Float32Array;
    assert.deepEqual(out['/fc1/Gemm_output_0']!.dims, [ROWS, outF]);
    let maxDiff = 0;
    for (let r = 0; r < ROWS; r++) {
      for (let o = 0; o < outF; o++) {
        let s = b[o]!;
        for (let i = 0; i < inF; i++) s += x[r * inF + i]! * w[o * inF + i]!;
        maxDiff = Math.max(maxDiff, Math.abs(s - got[r * outF + o]!));
      }
    }
    assert.ok(maxDiff < 1e-4, `max diff ${maxDiff}`);
    await session.release();
  });

  it('counts the nodes hidden in If branches (silero VAD v5)', () => {
    const model = decodeModel(fs.readFileSync(path.join(ROOT, 'test/fixtures/calib/silero_vad_v5.onnx')));
    assert.deepEqual(mainGraphNodeOutputs(model.graph!).map((o) => o.op), ['Equal', 'If', 'If', 'Identity', 'Identity']);
    assert.ok(nestedNodeCount(model.graph!) > 50);
  });
});

describe('If inlining (Silero VAD v5)', function () {
  this.timeout(ORT_SUITE_TIMEOUT_MS);
  const feeds = {
    input: { type: 'float32', data: new Float32Array(512).map((_, i) => Math.sin(i / 7) * 0.3), dims: [1, 512] },
    state: { type: 'float32', data: new Float32Array(256), dims: [2, 1, 128] },
    sr: { type: 'int64', data: BigInt64Array.of(16000n), dims: [] },
  };

  it('inlines every If the data fixes, and the outputs stay identical', async () => {
    const bytes = fs.readFileSync(path.join(ROOT, 'test/fixtures/calib/silero_vad_v5.onnx'));
    const original = decodeModel(bytes);
    const { model, guards } = await inlineFixedIfs(original, feeds, {});
    assert.equal(guards.length, 7);
    assert.deepEqual(guards[0], { cond: 'Equal_0_C', value: true, node: 'If_0' });
    assert.equal(model.graph!.node.filter((n) => n.op_type === 'If').length, 0);
    assert.equal(nestedNodeCount(model.graph!), 0);
    const a = await ModelSession.create(bytes);
    const b = await ModelSession.create(encodeModel(model));
    const ra = await a.run(toFeeds(a, feeds));
    const rb = await b.run(toFeeds(b, feeds));
    for (const name of ['output', 'stateN']) assert.deepEqual(Array.from(rb[name]!.data as Float32Array), Array.from(ra[name]!.data as Float32Array), name);
    await a.release();
    await b.release();
  });
});
