import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FormatError } from '../../../src/core/errors';
import { onnxReader } from '../../../src/core/formats/onnx';
import { MAX_DIMS, MAX_GRAPH_DEPTH } from '../../../src/core/formats/onnx/limits';
import { expectFormatErrorForEveryPrefix, openAndReadAll, openFromBytes } from '../helpers/memoryOpen';
import {
  concat, externalTensor, f32bytes, f32field, FLOAT, graph, graphAttribute, INT64, lfield, model, node, sfield, T, tag, tensor, varint, vfield,
} from './encode';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'onnx');

async function rejectsFormat(files: Record<string, Uint8Array>, pattern: RegExp): Promise<void> {
  await assert.rejects(openAndReadAll(onnxReader, files), (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

const w = tensor({ name: 'w', dims: [2, 2], raw: f32bytes([1, 2, 3, 4]) });

/** A model using most of what the reader walks, with the graph last so every proper prefix lacks it. */
function richModel(): Uint8Array {
  const typed = tensor({ name: 'typed', dims: [3], extra: [lfield(T.FLOAT_DATA, f32bytes([1, 2, 3]))] });
  const ints = tensor({ name: 'ints', dims: [2], dataType: INT64, extra: [lfield(T.INT64_DATA, [...varint(-5), ...varint(2n ** 40n)])] });
  const constant = node('Constant', ['c'], [concat(sfield(1, 'value'), lfield(5, tensor({ name: '', dims: [1], raw: f32bytes([7]) })))]);
  const branch = graph({ initializers: [tensor({ name: 'b', dims: [1], raw: f32bytes([9]) })], nodes: [node('Constant', ['bc'], [concat(sfield(1, 'value_float'), f32field(2, 0.5))])] });
  const ifNode = node('If', ['y'], [graphAttribute('then_branch', branch), graphAttribute('else_branch', branch)], 'if0');
  return concat(vfield(1, 8), lfield(8, sfield(1, ''), vfield(2, 13)), lfield(7, graph({ initializers: [w, typed, ints], nodes: [constant, ifNode] })));
}

/** Offsets where a top-level field ends: a protobuf cut there is a shorter valid message. */
function topLevelBoundaries(bytes: Uint8Array): Set<number> {
  const ends = new Set<number>([0]);
  let pos = 0;
  const readVarint = (): number => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[pos++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
  };
  while (pos < bytes.length) {
    const wire = readVarint() % 8;
    if (wire === 0) readVarint();
    else if (wire === 2) {
      const length = readVarint();
      pos += length;
    }
    else pos += wire === 1 ? 8 : 4;
    ends.add(pos);
  }
  return ends;
}

describe('ONNX reader on truncated and malformed files', () => {
  it('gives a FormatError at every prefix of a model whose graph comes last', async () => {
    const bytes = richModel();
    const m = await openAndReadAll(onnxReader, { 'm.onnx': bytes });
    assert.deepEqual(m.tensors.map((t) => [t.name, t.source]), [
      ['w', 'm.onnx'], ['typed', 'm.onnx'], ['ints', 'm.onnx'], ['c', 'm.onnx'],
      ['if0/then_branch/b', 'if0/then_branch'], ['if0/then_branch/bc', 'if0/then_branch'],
      ['if0/else_branch/b', 'if0/else_branch'], ['if0/else_branch/bc', 'if0/else_branch'],
    ]);
    await expectFormatErrorForEveryPrefix(onnxReader, { 'm.onnx': bytes });
  });

  for (const file of ['typed.onnx', 'control_flow.onnx']) {
    it(`gives a FormatError at every prefix of ${file} except where a top-level field ends`, async () => {
      const bytes = new Uint8Array(readFileSync(path.join(FIXTURES, file)));
      const boundaries = topLevelBoundaries(bytes);
      for (let len = 0; len < bytes.length; len++) {
        try {
          await openAndReadAll(onnxReader, { [file]: bytes.subarray(0, len) });
          assert.ok(boundaries.has(len), `prefix ${len} opened although it cuts a field`);
        } catch (e) {
          assert.ok(e instanceof FormatError, `prefix ${len}/${bytes.length}: ${String(e)}`);
        }
      }
    });
  }

  it('gives a FormatError (never a crash) for random bytes named .onnx', async () => {
    let seed = 12345;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    for (let i = 0; i < 300; i++) {
      const bytes = Uint8Array.from({ length: 1 + (i % 97) * 3 }, next);
      await openAndReadAll(onnxReader, { 'r.onnx': bytes }).then(
        () => undefined,
        (e: unknown) => assert.ok(e instanceof FormatError, `random #${i}: ${String(e)}`),
      );
    }
  });

  it('refuses a model without a graph, or without opset_import', async () => {
    await rejectsFormat({ 'm.onnx': Uint8Array.from(vfield(1, 8)) }, /no graph/);
    await rejectsFormat({ 'm.onnx': concat(vfield(1, 8), lfield(7, graph({ initializers: [w] }))) }, /no opset_import/);
  });

  it('refuses a known field with the wrong wire type', async () => {
    await rejectsFormat({ 'm.onnx': concat(vfield(1, 8), vfield(7, 3)) }, /ModelProto.graph .* wire type 0, expected 2/);
  });

  it('refuses absurd, negative and too many dims', async () => {
    const huge = tensor({ name: 'h', dims: [2 ** 40, 2 ** 40], raw: [] });
    await rejectsFormat({ 'm.onnx': model(graph({ initializers: [huge] })) }, /more than 2\^53 elements/);
    const negative = concat(vfield(T.DIMS, -1), vfield(T.DATA_TYPE, FLOAT), sfield(T.NAME, 'n'));
    await rejectsFormat({ 'm.onnx': model(graph({ initializers: [negative] })) }, /dimension is negative/);
    const many = tensor({ name: 'd', dims: Array.from({ length: MAX_DIMS + 1 }, () => 1), raw: f32bytes([1]) });
    await rejectsFormat({ 'm.onnx': model(graph({ initializers: [many] })) }, /more than 64 dims/);
  });

  it('reads packed dims like unpacked ones', async () => {
    const packed = concat(lfield(T.DIMS, [...varint(2), ...varint(3)]), vfield(T.DATA_TYPE, FLOAT), sfield(T.NAME, 'p'), lfield(T.RAW_DATA, f32bytes([1, 2, 3, 4, 5, 6])));
    const m = await openAndReadAll(onnxReader, { 'm.onnx': model(graph({ initializers: [packed] })) });
    assert.deepEqual(m.tensors[0]!.shape, [2, 3]);
  });

  it('refuses payloads whose size does not match the shape', async () => {
    const short = tensor({ name: 's', dims: [3], raw: f32bytes([1, 2]) });
    await rejectsFormat({ 'm.onnx': model(graph({ initializers: [short] })) }, /raw_data is 8 bytes but F32 shape \[3\] needs 12/);
    const typed = tensor({ name: 't', dims: [3], extra: [lfield(T.FLOAT_DATA, f32bytes([1, 2]))] });
    await rejectsFormat({ 'm.onnx': model(graph({ initializers: [typed] })) }, /float_data holds 2 values but shape \[3\] needs 3/);
    const ints = tensor({ name: 'i', dims: [3], dataType: INT64, extra: [lfield(T.INT64_DATA, [1, 2])] });
    await rejectsFormat({ 'm.onnx': model(graph({ initializers: [ints] })) }, /int64_data holds 2 values but the shape needs 3/);
    const wrongField = tensor({ name: 'x', dims: [1], extra: [lfield(T.INT32_DATA, [1])] });
    await rejectsFormat({ 'm.onnx': model(graph({ initializers: [wrongField] })) }, /FLOAT data stored in int32_data/);
    const noType = concat(vfield(T.DIMS, 1), sfield(T.NAME, 'u'));
    await rejectsFormat({ 'm.onnx': model(graph({ initializers: [noType] })) }, /no data_type/);
  });

  it('reads unpacked float_data (legal protobuf, never written by onnx)', async () => {
    const unpacked = tensor({ name: 'u', dims: [3], extra: [f32field(T.FLOAT_DATA, 1), f32field(T.FLOAT_DATA, -2), f32field(T.FLOAT_DATA, 0.5)] });
    const m = await openAndReadAll(onnxReader, { 'm.onnx': model(graph({ initializers: [unpacked] })) });
    assert.deepEqual([...(await m.tensors[0]!.data.read(0, 3))], [1, -2, 0.5]);
  });

  it(`refuses subgraphs nested deeper than ${MAX_GRAPH_DEPTH}`, async () => {
    const nest = (depth: number): Uint8Array => {
      let g = graph({ initializers: [w] });
      for (let i = 0; i < depth; i++) g = graph({ nodes: [node('If', ['o'], [graphAttribute('then_branch', g)], `if${i}`)] });
      return model(g);
    };
    const ok = await openAndReadAll(onnxReader, { 'm.onnx': nest(MAX_GRAPH_DEPTH) });
    assert.equal(ok.tensors[0]!.source.split('/').length, 2 * MAX_GRAPH_DEPTH);
    await rejectsFormat({ 'm.onnx': nest(MAX_GRAPH_DEPTH + 1) }, /nested deeper than 32/);
  });

  it('refuses a Constant without a value or without an output', async () => {
    await rejectsFormat({ 'm.onnx': model(graph({ nodes: [node('Constant', ['c'], [sfield(1, 'other')])] })) }, /no value attribute/);
    const noOutput = node('Constant', [], [concat(sfield(1, 'value'), lfield(5, w))]);
    await rejectsFormat({ 'm.onnx': model(graph({ nodes: [noOutput] })) }, /no output/);
  });

  it('treats a Constant of a custom domain as another op', async () => {
    const custom = concat(node('Constant', ['c'], [concat(sfield(1, 'value'), lfield(5, w))]), sfield(7, 'com.example'));
    const m = await openAndReadAll(onnxReader, { 'm.onnx': model(graph({ nodes: [custom] })) });
    assert.deepEqual(m.tensors, []);
  });

  it('refuses a name defined twice in one graph', async () => {
    await rejectsFormat({ 'm.onnx': model(graph({ initializers: [w, w] })) }, /tensor name 'w' is defined twice in m.onnx/);
    const twice = graph({ nodes: [node('Constant', ['c'], [concat(sfield(1, 'value_float'), f32field(2, 1))]), node('Constant', ['c'], [concat(sfield(1, 'value_float'), f32field(2, 2))])] });
    await rejectsFormat({ 'm.onnx': model(graph({ nodes: [node('If', ['o'], [graphAttribute('then_branch', twice)], 'if0')] })) }, /'c' is defined twice in if0\/then_branch/);
  });

  it('skips unknown data types with a reason and refuses an unknown data_location', async () => {
    const future = tensor({ name: 'f', dims: [1], dataType: 99, raw: [0] });
    const m = await openAndReadAll(onnxReader, { 'm.onnx': model(graph({ initializers: [future, w] })) });
    assert.deepEqual(m.tensors.map((t) => t.name), ['w']);
    assert.deepEqual(m.metadata.skippedWeights, [{ name: 'f', dtype: 'data_type 99', source: 'm.onnx', reason: 'no exact decoder for data_type 99' }]);
    const located = tensor({ name: 'l', dims: [1], raw: f32bytes([1]), extra: [vfield(T.DATA_LOCATION, 2)] });
    await rejectsFormat({ 'm.onnx': model(graph({ initializers: [located] })) }, /unknown data_location 2/);
  });

  it('refuses groups inside the model', async () => {
    await rejectsFormat({ 'm.onnx': concat(vfield(1, 8), tag(9, 3)) }, /group/);
  });
});

describe('ONNX external data', () => {
  const payload = f32bytes([1, 2, 3, 4, 5, 6]);
  const withExternal = (entries: Record<string, string>, dims = [2, 2]): Uint8Array =>
    model(graph({ initializers: [externalTensor('e', dims, entries)] }));

  it('reads a tensor at its offset in the external file', async () => {
    const m = await openAndReadAll(onnxReader, { 'dir/m.onnx': withExternal({ location: 'w.bin', offset: '8', length: '16' }), 'dir/w.bin': payload });
    assert.deepEqual([...(await m.tensors[0]!.data.read(0, 4))], [3, 4, 5, 6]);
    assert.equal(m.tensors[0]!.source, 'w.bin');
  });

  it('keeps the subgraph path as the source of a subgraph tensor stored externally', async () => {
    const branch = graph({ initializers: [externalTensor('e', [2], { location: 'w.bin' })] });
    const bytes = model(graph({ nodes: [node('If', ['o'], [graphAttribute('then_branch', branch)], 'if0')] }));
    const m = await openAndReadAll(onnxReader, { 'dir/m.onnx': bytes, 'dir/w.bin': payload });
    assert.deepEqual([m.tensors[0]!.source, [...(await m.tensors[0]!.data.read(0, 2))]], ['if0/then_branch', [1, 2]]);
  });

  it('refuses locations outside the model folder', async () => {
    for (const location of ['../w.bin', 'sub/../../w.bin', '/etc/passwd', 'C:\\w.bin', '\\\\server\\share\\w.bin', '']) {
      await rejectsFormat({ 'dir/m.onnx': withExternal({ location }), 'w.bin': payload }, /outside the folder|not a non-empty string|no 'location'/);
    }
  });

  it('refuses ranges past the end of the file and lengths that do not match the shape', async () => {
    await rejectsFormat({ 'm.onnx': withExternal({ location: 'w.bin', offset: '16' }), 'w.bin': payload }, /past the end of w.bin/);
    await rejectsFormat({ 'm.onnx': withExternal({ location: 'w.bin', length: '12' }), 'w.bin': payload }, /length 12 but the shape needs 16/);
    await rejectsFormat({ 'm.onnx': withExternal({ location: 'w.bin', offset: '-4' }), 'w.bin': payload }, /offset '-4' is not a byte count/);
    await rejectsFormat({ 'm.onnx': withExternal({ location: 'w.bin', offset: '0x10' }), 'w.bin': payload }, /not a byte count/);
    await rejectsFormat({ 'm.onnx': withExternal({}), 'w.bin': payload }, /no 'location'/);
    await rejectsFormat({ 'm.onnx': withExternal({ location: 'missing.bin' }) }, /cannot open/);
  });

  it('gives a FormatError for every truncation of the external file', async () => {
    const modelBytes = new Uint8Array(readFileSync(path.join(FIXTURES, 'external', 'model.onnx')));
    const weights = new Uint8Array(readFileSync(path.join(FIXTURES, 'external', 'weights.bin')));
    const full = await openFromBytes(onnxReader, { 'model.onnx': modelBytes, 'weights.bin': weights });
    assert.equal(full.tensors.length, 4);
    for (let len = 0; len < weights.length; len += 97) {
      await rejectsFormat({ 'model.onnx': modelBytes, 'weights.bin': weights.subarray(0, len) }, /past the end of weights.bin/);
    }
  });
});
