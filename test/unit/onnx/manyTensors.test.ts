import * as assert from 'node:assert/strict';
import { inspectText } from '../../../src/cli/commands/inspect';
import { onnxReader } from '../../../src/core/formats/onnx';
import { openFromBytes } from '../helpers/memoryOpen';
import { graphAttribute, lfield, model, node, sfield, tensor } from './encode';

/** More tensors than a call takes arguments (~125k on a 1 MB stack): found by fuzzing, plans.push(...plans) overflowed. */
const COUNT = 130_000;

/** GraphProto of COUNT empty initializers, joined by Buffer.concat (the test encoder's concat(...parts) would overflow too). */
function manyInitializers(): Uint8Array {
  // GraphProto.name = 2, GraphProto.initializer = 5.
  return Buffer.concat([sfield(2, 'g'), ...Array.from({ length: COUNT }, (_, i) => lfield(5, tensor({ name: i.toString(36), dims: [0] })))]);
}

describe('onnx reader: a graph of 130,000 initializers', function () {
  // Building and reading 2 x 130,000 tensors takes seconds on a shared machine.
  this.timeout(120_000);
  it('opens it and inspect lists it (within the reader 1M-tensor limit)', async () => {
    const m = await openFromBytes(onnxReader, { 'many.onnx': model(manyInitializers()) });
    assert.equal(m.tensors.length, COUNT);
    assert.equal(m.tensors[COUNT - 1]!.name, (COUNT - 1).toString(36));
    const text = inspectText(m);
    assert.match(text, /^130,000 tensors, 0 parameters/m);
  });

  it('opens them in the subgraph of a node (the node scan spread them into a call too)', async () => {
    // GraphProto.node = 1: one If node whose then_branch holds all the initializers.
    const outer = lfield(1, node('If', ['y'], [graphAttribute('then_branch', manyInitializers())], 'branch'));
    const m = await openFromBytes(onnxReader, { 'nested.onnx': model(outer) });
    assert.equal(m.tensors.length, COUNT);
  });
});
