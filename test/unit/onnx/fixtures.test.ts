import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { onnxReader } from '../../../src/core/formats/onnx';
import { openModel } from '../../../src/core/formats/registry';
import type { Model } from '../../../src/core/tensor';
import { jsonValues, type JsonValue } from './values';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

interface ExpectedTensor {
  name: string;
  dtype: string;
  shape: number[];
  numel: number;
  source: string;
  first: JsonValue[];
  external?: { offset: number; length: number };
}
interface ExpectedFile {
  tensors: ExpectedTensor[];
  skipped: string[];
}
const EXPECTED = JSON.parse(readFileSync(path.join(FIXTURES, 'onnx', 'expected.json'), 'utf8')) as { files: Record<string, ExpectedFile> };

async function withModel(file: string, body: (m: Model) => Promise<void>): Promise<void> {
  const m = await openModel([path.join(FIXTURES, file)]);
  try {
    await body(m);
  } finally {
    await m.close();
  }
}

/** Same values, telling -0 from 0 (deepEqual alone would not). */
function assertSameValues(actual: JsonValue[], expected: JsonValue[], what: string): void {
  assert.deepEqual(actual, expected, what);
  actual.forEach((v, i) => assert.ok(Object.is(v, expected[i]), `${what}[${i}]: ${String(v)} vs ${String(expected[i])}`));
}

async function checkAgainstExpected(file: string): Promise<void> {
  const exp = EXPECTED.files[file]!;
  await withModel(path.join('onnx', file), async (m) => {
    assert.equal(m.format, 'onnx');
    assert.deepEqual(m.tensors.map((t) => t.name).sort(), exp.tensors.map((t) => t.name).sort());
    const byName = new Map(m.tensors.map((t) => [t.name, t]));
    for (const e of exp.tensors) {
      const t = byName.get(e.name)!;
      assert.deepEqual({ dtype: t.dtype, shape: t.shape, numel: t.numel, source: t.source }, { dtype: e.dtype, shape: e.shape, numel: e.numel, source: e.source }, e.name);
      assertSameValues(jsonValues(await t.data.read(0, Math.min(16, t.numel)), t.dtype), e.first, e.name);
      if (e.external) assert.equal(t.byteLength, e.external.length, e.name);
    }
    const skipped = (m.metadata.skippedWeights ?? []) as { name: string }[];
    assert.deepEqual(skipped.map((s) => s.name).sort(), [...exp.skipped].sort());
  });
}

describe('ONNX reader on files written by onnx.helper', () => {
  it('decodes raw_data and every typed field (float/int32/int64/double/uint64_data) exactly', () => checkAgainstExpected('typed.onnx'));

  it('lists initializers and Constant tensors of If branches, Loop bodies and nested subgraphs with their path', () => checkAgainstExpected('control_flow.onnx'));

  it('reads external data from weights.bin next to the model', () => checkAgainstExpected('external/model.onnx'));

  it('lists the main graph initializers first, then node tensors in node order', async () => {
    await withModel('onnx/control_flow.onnx', async (m) => {
      assert.deepEqual(m.tensors.slice(0, 3).map((t) => t.name), ['main_w', 'trips', 'main_c']);
    });
  });

  it('names a Constant tensor by its output, not by the TensorProto name', async () => {
    await withModel('onnx/typed.onnx', async (m) => {
      const names = m.tensors.map((t) => t.name);
      assert.ok(names.includes('c_value') && !names.includes('name_ignored'));
    });
  });

  it('says why tensors are skipped', async () => {
    await withModel('onnx/typed.onnx', async (m) => {
      const skipped = new Map((m.metadata.skippedWeights as { name: string; dtype: string; reason: string }[]).map((s) => [s.name, s]));
      assert.deepEqual(skipped.get('strings'), { name: 'strings', dtype: 'STRING', source: 'typed.onnx', reason: 'string tensor' });
      assert.match(skipped.get('f8e4m3fnuz_raw')!.reason, /FLOAT8E4M3FNUZ/);
      assert.match(skipped.get('complex')!.reason, /COMPLEX64/);
      assert.match(skipped.get('sparse_w')!.reason, /sparse/);
    });
  });

  it('reports model metadata: ir_version, opsets, producer, graph inputs and outputs, metadata_props', async () => {
    await withModel('onnx/typed.onnx', async (m) => {
      assert.equal(m.metadata.ir_version, 8);
      assert.deepEqual(m.metadata.opset_import, [{ domain: '', version: 13 }]);
      assert.equal(m.metadata.producer_name, 'quantlens-fixtures');
      assert.equal(m.metadata.graph_name, 'typed');
      assert.deepEqual(m.metadata.outputs, [{ name: 'out', type: 'FLOAT', shape: [2, 2] }]);
      assert.deepEqual(m.metadata.metadata_props, { purpose: 'reader test' });
    });
  });

  it('counts the external data file in sizeOnDisk', async () => {
    await withModel('onnx/external/model.onnx', async (m) => {
      const dir = path.join(FIXTURES, 'onnx', 'external');
      assert.equal(m.sizeOnDisk, readFileSync(path.join(dir, 'model.onnx')).length + readFileSync(path.join(dir, 'weights.bin')).length);
    });
  });
});

describe('ONNX reader on the torch-exported MLP', () => {
  const mlp = JSON.parse(readFileSync(path.join(FIXTURES, 'mlp', 'expected.json'), 'utf8')) as {
    tensors: { name: string; dtype: string; shape: number[]; numel: number; first16: number[] }[];
  };

  for (const file of ['mlp/mlp.onnx', path.join('..', '..', 'samples', 'mlp', 'model.onnx')]) {
    it(`lists and decodes ${path.basename(file)} exactly like expected.json`, async () => {
      await withModel(file, async (m) => {
        assert.equal(m.format, 'onnx');
        assert.deepEqual(m.tensors.map((t) => t.name).sort(), mlp.tensors.map((t) => t.name).sort());
        for (const e of mlp.tensors) {
          const t = m.tensors.find((x) => x.name === e.name)!;
          assert.deepEqual([t.dtype, t.shape, t.numel, t.byteLength], [e.dtype, e.shape, e.numel, e.numel * 4]);
          assert.deepEqual([...(await t.data.read(0, Math.min(16, t.numel)))], e.first16, e.name);
        }
        assert.equal(m.metadata.producer_name, 'pytorch');
        assert.deepEqual(m.metadata.inputs, [{ name: 'input', type: 'FLOAT', shape: ['batch', 784] }]);
      });
    });
  }

  it('sniffs .onnx files and nothing without the extension', () => {
    const head = readFileSync(path.join(FIXTURES, 'mlp', 'mlp.onnx')).subarray(0, 4096);
    assert.equal(onnxReader.sniff(head, 'x/model.onnx'), true);
    assert.equal(onnxReader.sniff(head, 'x/model.ONNX'), true);
    assert.equal(onnxReader.sniff(head, 'x/model.bin'), false);
    assert.equal(onnxReader.sniff(new Uint8Array([0xff, 0xff, 0xff]), 'x/model.onnx'), false);
  });
});
