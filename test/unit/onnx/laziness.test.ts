import * as assert from 'node:assert/strict';
import { onnxReader } from '../../../src/core/formats/onnx';
import type { OpenContext } from '../../../src/core/formats/reader';
import { MemoryByteSource, type ByteSource } from '../../../src/core/io/byteSource';
import { concat, f32bytes, graph, INT64, lfield, node, sfield, T, tag, tensor, varint, vfield } from './encode';

/** A ByteSource that counts the bytes it hands out. */
class CountingSource implements ByteSource {
  bytesRead = 0;
  private readonly inner: MemoryByteSource;
  constructor(readonly name: string, bytes: Uint8Array) {
    this.inner = new MemoryByteSource(name, bytes);
  }
  get size(): number {
    return this.inner.size;
  }
  async read(offset: number, length: number, format: string): Promise<Uint8Array> {
    this.bytesRead += length;
    return this.inner.read(offset, length, format);
  }
  async close(): Promise<void> {}
}

const BIG_ELEMENTS = 12_500_000; // 50 MB of float32
const MARK_AT = 1_000_000;

/**
 * A model whose first initializer holds BIG_ELEMENTS floats in `payloadField` (raw_data or
 * packed float_data), followed by small tensors and a Constant. The payload is written in
 * place, never copied: the buffer's untouched zero pages cost nothing.
 */
function bigModel(payloadField: number): Uint8Array {
  const payloadBytes = BIG_ELEMENTS * 4;
  const tensorHead = concat(vfield(T.DIMS, BIG_ELEMENTS), vfield(T.DATA_TYPE, 1), sfield(T.NAME, 'big'), tag(payloadField, 2), varint(payloadBytes));
  const initHead = concat(tag(5, 2), varint(tensorHead.length + payloadBytes));
  const rest = concat(
    graph({
      name: 'lazy',
      initializers: [
        tensor({ name: 'small', dims: [2], raw: f32bytes([1, 2]) }),
        tensor({ name: 'ints', dims: [2], dataType: INT64, extra: [lfield(T.INT64_DATA, [...varint(3), ...varint(-4)])] }),
      ],
      nodes: [node('Constant', ['c'], [concat(sfield(1, 'value_floats'), lfield(7, f32bytes([0.5, 1.5])))])],
    }),
  );
  const graphLength = initHead.length + tensorHead.length + payloadBytes + rest.length;
  const modelHead = concat(vfield(1, 8), lfield(8, sfield(1, ''), vfield(2, 13)), tag(7, 2), varint(graphLength));
  const out = new Uint8Array(modelHead.length + graphLength);
  let at = 0;
  for (const part of [modelHead, initHead, tensorHead]) {
    out.set(part, at);
    at += part.length;
  }
  new DataView(out.buffer).setFloat32(at + 4 * MARK_AT, 42.5, true);
  out.set(rest, at + payloadBytes);
  return out;
}

describe('ONNX reader laziness', () => {
  for (const [what, field] of [['raw_data', T.RAW_DATA], ['packed float_data', T.FLOAT_DATA]] as const) {
    it(`lists a 50 MB ${what} model by reading headers only, and reads a slice without the rest`, async () => {
      const source = new CountingSource('big.onnx', bigModel(field));
      const ctx: OpenContext = { paths: ['big.onnx'], openSource: async () => source };
      const m = await onnxReader.open(ctx);
      assert.deepEqual(m.tensors.map((t) => [t.name, t.numel]), [['big', BIG_ELEMENTS], ['small', 2], ['ints', 2], ['c', 2]]);
      // One 64 KB window for the headers before the payload, one after it.
      assert.ok(source.bytesRead <= 2 * 64 * 1024, `open read ${source.bytesRead} of ${source.size} bytes`);

      const before = source.bytesRead;
      const big = m.tensors[0]!;
      assert.deepEqual([...(await big.data.read(MARK_AT, 2))], [42.5, 0]);
      assert.equal(source.bytesRead - before, 8);
      assert.deepEqual([...(await m.tensors[3]!.data.read(0, 2))], [0.5, 1.5]);
    });
  }
});
