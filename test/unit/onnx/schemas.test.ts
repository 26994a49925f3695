import * as assert from 'node:assert/strict';
import type { INamespace, IType } from 'protobufjs';
import * as walked from '../../../src/core/formats/onnx/schema';
import { ONNX_SCHEMA } from '../../../src/core/onnxproto/schema';

/** Each table of the lazy reader and the full-schema message it numbers (nested ones as Outer.Inner). */
const TABLES: readonly [keyof typeof walked, string][] = [
  ['MODEL', 'ModelProto'],
  ['OPSET', 'OperatorSetIdProto'],
  ['ENTRY', 'StringStringEntryProto'],
  ['GRAPH', 'GraphProto'],
  ['NODE', 'NodeProto'],
  ['ATTRIBUTE', 'AttributeProto'],
  ['TENSOR', 'TensorProto'],
  ['SPARSE_TENSOR', 'SparseTensorProto'],
  ['VALUE_INFO', 'ValueInfoProto'],
  ['TYPE_PROTO', 'TypeProto'],
  ['TENSOR_TYPE', 'TypeProto.Tensor'],
  ['SHAPE', 'TensorShapeProto'],
  ['DIMENSION', 'TensorShapeProto.Dimension'],
];

function message(path: string): IType {
  let node: INamespace | undefined = ONNX_SCHEMA.nested?.['onnx'] as INamespace | undefined;
  for (const part of path.split('.')) node = node?.nested?.[part] as INamespace | undefined;
  assert.ok(node && 'fields' in node, `the full schema has no message ${path}`);
  return node as IType;
}

describe('ONNX: the lazy reader\'s field numbers and the full schema agree', () => {
  for (const [table, messageName] of TABLES) {
    it(`${table} numbers ${messageName}'s fields as onnx.proto does`, () => {
      const fields = message(messageName).fields;
      for (const [key, id] of Object.entries(walked[table] as Record<string, number>)) {
        const field = fields[key.toLowerCase()];
        assert.ok(field, `${messageName} has no field ${key.toLowerCase()}`);
        assert.equal(field.id, id, `${table}.${key}`);
      }
    });
  }

  it('every table of the reader is checked', () => {
    const tables = Object.entries(walked).filter(([, v]) => typeof v === 'object').map(([k]) => k);
    assert.deepEqual(tables.sort(), TABLES.map(([t]) => t).sort());
  });
});
