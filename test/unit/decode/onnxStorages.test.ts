import * as assert from 'node:assert/strict';
import { loadOrt } from '../../../src/core/calib/ort';
import { decodeModel, encodeModel } from '../../../src/core/onnxproto/codec';
import { ATTRIBUTE_TYPE } from '../../../src/core/onnxproto/types';
import { onnxStorageView } from '../../../src/core/decode/onnxGraph';
import { decodeStoredGroup, findStoredGroups } from '../../../src/core/decode/index';
import { firstFloatMismatch } from '../ggml/fixtures';
import { fixtureBytes } from './fixtures';

/** The model's outputs as onnxruntime computes them, as float32. */
async function runOrt(bytes: Uint8Array, feeds: Record<string, { dims: number[]; data: Float32Array }>): Promise<Map<string, Float32Array>> {
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'disabled' });
  try {
    const inputs = Object.fromEntries(Object.entries(feeds).map(([name, f]) => [name, new ort.Tensor('float32', f.data, f.dims)]));
    const results = await session.run(inputs);
    const out = new Map<string, Float32Array>();
    for (const [name, t] of Object.entries(results)) {
      // float16 outputs arrive as their bits (Uint16Array) or as Float16Array; both convert exactly.
      const data = t.data;
      out.set(name, t.type === 'float16' && data instanceof Uint16Array ? Float32Array.from(data, halfToFloat) : Float32Array.from(data as ArrayLike<number>));
    }
    return out;
  } finally {
    await session.release();
  }
}

function halfToFloat(h: number): number {
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  const v = e === 0 ? m * 2 ** -24 : e === 31 ? (m ? NaN : Infinity) : (1 + m / 1024) * 2 ** (e - 15);
  return h & 0x8000 ? -v : v;
}

function identity(k: number): Float32Array {
  const a = new Float32Array(k * k);
  for (let i = 0; i < k; i++) a[i * k + i] = 1;
  return a;
}

describe('ONNX quantized storages against onnxruntime (test/fixtures/storages)', () => {
  it('qdq.onnx: DequantizeLinear of int8 / uint8 / int4 / uint4 initializers, per tensor, per axis and blocked', async () => {
    const bytes = fixtureBytes('qdq.onnx');
    const { summary, read } = onnxStorageView(decodeModel(bytes));
    const { groups, plain, problems } = await findStoredGroups(summary, read);
    assert.deepEqual(groups.map((g) => [g.logical, g.params['layout']]), [
      ['w_int8_tensor', 'tensor'], ['w_uint8_axis1', 'axis'], ['w_int8_axis0_f16', 'axis'], ['w_int4_block', 'block'], ['w_uint4_block', 'block'],
    ]);
    assert.deepEqual([plain, problems], [[], []]);
    const ort = await runOrt(bytes, {});
    for (const group of groups) {
      const want = ort.get(group.logical)!;
      const got = await decodeStoredGroup(group, read);
      const at = firstFloatMismatch(got, want);
      assert.equal(at, -1, at < 0 ? '' : `${group.logical} value ${at}: got ${got[at]}, onnxruntime ${want[at]}`);
    }
  });

  it('matmulnbits.onnx: MatMulNBits B (4 and 8 bits, with and without zero points, ragged last block) is the weight onnxruntime multiplies by', async () => {
    const bytes = fixtureBytes('matmulnbits.onnx');
    const { summary, read } = onnxStorageView(decodeModel(bytes));
    const { groups } = await findStoredGroups(summary, read);
    assert.deepEqual(groups.map((g) => [g.storage, g.logical, g.shape]), [
      ['onnx-matmulnbits', 'w_4bit_zp', [80, 24]], ['onnx-matmulnbits', 'w_4bit', [64, 16]], ['onnx-matmulnbits', 'w_8bit_zp', [48, 8]],
    ]);
    // A = I (K x K) makes Y = A x dequant(B)^T the [K, N] weight itself.
    const feeds = Object.fromEntries(groups.map((g) => [`${g.logical}_A`, { dims: [g.shape[0]!, g.shape[0]!], data: identity(g.shape[0]!) }]));
    const ort = await runOrt(bytes, feeds);
    for (const group of groups) {
      const want = ort.get(`${group.logical}_Y`)!;
      const got = await decodeStoredGroup(group, read);
      const at = firstFloatMismatch(got, want);
      assert.equal(at, -1, at < 0 ? '' : `${group.logical} value ${at}: got ${got[at]}, onnxruntime ${want[at]}`);
    }
  });

  it('an attribute typed STRING without its bytes (a fuzz finding) reads as absent instead of crashing', async () => {
    const bytes = fixtureBytes('matmulnbits.onnx');
    const model = decodeModel(bytes);
    // The first MatMulNBits' bits (4) retyped STRING, its `s` absent: protobufjs decodes that as an empty array.
    const attribute = model.graph!.node.flatMap((n) => n.attribute).find((a) => a.name === 'bits')!;
    attribute.type = ATTRIBUTE_TYPE.STRING;
    const retyped = onnxStorageView(decodeModel(encodeModel(model)));
    const original = onnxStorageView(decodeModel(bytes));
    const found = await findStoredGroups(retyped.summary, retyped.read);
    const expected = await findStoredGroups(original.summary, original.read);
    // Without its bits the node takes MatMulNBits' default, 4: the groups are the original ones.
    assert.deepEqual(found.groups.map((g) => [g.logical, g.params]), expected.groups.map((g) => [g.logical, g.params]));
    assert.deepEqual([found.plain, found.problems], [[], []]);
  });
});
