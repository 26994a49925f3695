import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeModel, encodeModel } from '../../../src/core/onnxproto/codec';
import { int64ToNumber } from '../../../src/core/onnxproto/types';
import { FormatError } from '../../../src/core/errors';

const ROOT = path.join(__dirname, '..', '..', '..');
const ALL_FIELDS = path.join(ROOT, 'test/fixtures/calib/all_fields.onnx');

/** Fields the TypeScript views do not declare, read through the decoded message. */
function field(obj: unknown, ...keys: (string | number)[]): unknown {
  let v: unknown = obj;
  for (const k of keys) v = (v as Record<string | number, unknown>)[k];
  return v;
}

describe('onnx protobuf schema', () => {
  for (const rel of ['samples/mlp/model.onnx', 'test/fixtures/calib/all_fields.onnx', 'test/fixtures/calib/silero_vad_legacy.onnx']) {
    it(`round-trips ${path.basename(rel)} byte for byte`, () => {
      const bytes = fs.readFileSync(path.join(ROOT, rel));
      const again = encodeModel(decodeModel(bytes));
      assert.equal(again.length, bytes.length);
      assert.ok(Buffer.from(again).equals(bytes), 'encoded bytes differ from the file');
    });
  }

  it('decodes the fields of IR versions 9 to 13 (a schema missing them would drop them)', () => {
    const model = decodeModel(fs.readFileSync(ALL_FIELDS));
    const graph = model.graph!;
    const node = graph.node[0]!;
    assert.equal(field(node, 'overload'), 'ov');
    assert.equal(field(node, 'metadata_props', 0, 'key'), 'node');
    assert.equal(field(node, 'device_configurations', 0, 'configuration_id'), 'cfg');
    assert.equal(String(field(node, 'device_configurations', 0, 'sharding_spec', 0, 'sharded_dim', 0, 'simple_sharding', 0, 'num_shards')), '2');
    assert.equal(field(graph, 'metadata_props', 0, 'value'), 'meta');
    assert.equal(field(graph, 'output', 0, 'metadata_props', 0, 'key'), 'vi');
    assert.equal(field(graph, 'initializer', 0, 'metadata_props', 0, 'key'), 'tensor');
    assert.deepEqual(field(model, 'configuration', 0, 'device'), ['cpu:0', 'cpu:1']);
    assert.equal(field(model, 'functions', 0, 'attribute_proto', 0, 'name'), 'beta');
    assert.equal(field(model, 'functions', 0, 'overload'), 'fo');
  });

  it('keeps int64 extremes exact (Slice ends of INT64_MAX)', () => {
    const model = decodeModel(fs.readFileSync(ALL_FIELDS));
    const ends = model.graph!.initializer.find((t) => t.name === 'ends')!;
    assert.deepEqual(ends.int64_data.map((v) => v.toString()), ['9223372036854775807', '-9223372036854775808']);
    assert.equal(int64ToNumber(model.graph!.initializer[0]!.dims[0]), 4);
  });

  it('throws FormatError on a truncated ModelProto', () => {
    assert.throws(() => decodeModel(new Uint8Array([0x3a, 0x05, 0x01])), FormatError);
  });
});
