import * as assert from 'node:assert/strict';
import { safetensorsReader } from '../../../src/core/formats/safetensors';
import { openFromBytes } from '../helpers/memoryOpen';
import { buildSafetensors, f32Bytes, withHeader } from './build';

/** The reference writer's own test vector: "attn.0" F32 [1, 2, 3] = 0..5. // safetensors/src/tensor.rs test_serialization */
const REFERENCE_BYTES = new Uint8Array([
  64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
  116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
  58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
  101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
  0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
]);

function le(bytes: number[]): Uint8Array {
  return new Uint8Array(bytes);
}

describe('safetensors reader', () => {
  it('reads the reference implementation test vector', async () => {
    assert.ok(safetensorsReader.sniff(REFERENCE_BYTES, 'x.safetensors'));
    const m = await openFromBytes(safetensorsReader, { 'ref.safetensors': REFERENCE_BYTES });
    assert.equal(m.format, 'safetensors');
    assert.equal(m.tensors.length, 1);
    const t = m.tensors[0]!;
    assert.deepEqual([t.name, t.dtype, t.shape, t.numel, t.byteLength, t.source], ['attn.0', 'F32', [1, 2, 3], 6, 24, 'ref.safetensors']);
    assert.deepEqual([...(await t.data.read(0, 6))], [0, 1, 2, 3, 4, 5]);
    assert.deepEqual([...(await t.data.read(4, 2))], [4, 5]);
  });

  it('decodes every dtype, scalars, zero-size tensors and metadata', async () => {
    const bytes = buildSafetensors(
      [
        { name: 'big', dtype: 'I64', shape: [2], bytes: le([1, 0, 0, 0, 0, 0, 0x20, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) },
        { name: 'u64', dtype: 'U64', shape: [1], bytes: le([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) },
        { name: 'scalar', dtype: 'F32', shape: [], bytes: f32Bytes([-2.5]) },
        // bf16 0x3f80 = 1.0, 0xc040 = -3.0; f16 0x3c00 = 1.0, 0x7c00 = +inf
        { name: 'bf', dtype: 'BF16', shape: [2], bytes: le([0x80, 0x3f, 0x40, 0xc0]) },
        { name: 'h', dtype: 'F16', shape: [2], bytes: le([0x00, 0x3c, 0x00, 0x7c]) },
        // e4m3 0x38 = 1.0, 0x7f = NaN; e5m2 0x3c = 1.0, 0x7c = +inf
        { name: 'e4', dtype: 'F8_E4M3', shape: [2], bytes: le([0x38, 0x7f]) },
        { name: 'e5', dtype: 'F8_E5M2', shape: [2], bytes: le([0x3c, 0x7c]) },
        { name: 'empty', dtype: 'F32', shape: [0, 7], bytes: le([]) },
        { name: 'flags', dtype: 'BOOL', shape: [3], bytes: le([1, 0, 1]) },
        { name: 'i8', dtype: 'I8', shape: [2], bytes: le([0xff, 0x7f]) },
      ],
      { format: 'pt', note: 'hand-built' },
    );
    const m = await openFromBytes(safetensorsReader, { 'all.safetensors': bytes });
    assert.deepEqual(m.metadata, { format: 'pt', note: 'hand-built' });
    const byName = new Map(m.tensors.map((t) => [t.name, t]));
    const read = async (n: string) => { const t = byName.get(n)!; return [...(await t.data.read(0, t.numel))]; };
    assert.deepEqual(await read('big'), [2n ** 53n + 1n, -1n]);
    assert.deepEqual(await read('u64'), [2n ** 64n - 1n]);
    assert.deepEqual(byName.get('scalar')!.shape, []);
    assert.equal(byName.get('scalar')!.numel, 1);
    assert.deepEqual(await read('scalar'), [-2.5]);
    assert.deepEqual(await read('bf'), [1, -3]);
    assert.deepEqual(await read('h'), [1, Infinity]);
    const e4 = await read('e4');
    assert.equal(e4[0], 1);
    assert.ok(Number.isNaN(e4[1]));
    assert.deepEqual(await read('e5'), [1, Infinity]);
    assert.equal(byName.get('empty')!.numel, 0);
    assert.equal(byName.get('empty')!.byteLength, 0);
    assert.deepEqual(await read('flags'), [1, 0, 1]);
    assert.deepEqual(await read('i8'), [-1, 127]);
  });

  it('lists tensors in data order whatever the header order', async () => {
    const header = JSON.stringify({ b: { dtype: 'U8', shape: [1], data_offsets: [1, 2] }, a: { dtype: 'U8', shape: [1], data_offsets: [0, 1] } });
    const m = await openFromBytes(safetensorsReader, { 'o.safetensors': withHeader(header, le([7, 9])) });
    assert.deepEqual(m.tensors.map((t) => t.name), ['a', 'b']);
    assert.deepEqual([...(await m.tensors[1]!.data.read(0, 1))], [9]);
  });

  it('sniffs only plausible headers', () => {
    assert.ok(!safetensorsReader.sniff(le([2, 0, 0, 0, 0, 0, 0, 0, 0x5b, 0x5d]), 'x'), 'must start with {');
    assert.ok(!safetensorsReader.sniff(le([0, 0, 0, 0, 0, 0, 0, 1, 0x7b, 0x7d]), 'x'), 'absurd length');
    assert.ok(!safetensorsReader.sniff(le([2, 0, 0, 0, 0, 0, 0, 0]), 'x'), 'too short');
    assert.ok(safetensorsReader.sniff(le([2, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d]), 'x'));
  });
});
