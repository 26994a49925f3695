import * as assert from 'node:assert/strict';
import { FormatError } from '../../../src/core/errors';
import { ggufReader } from '../../../src/core/formats/gguf';
import { expectFormatErrorForEveryPrefix, openAndReadAll, openFromBytes } from '../helpers/memoryOpen';
import { EXPECTED, fixtureBytes, patched } from './expected';
import { GgufBytes, T } from './ggufBytes';

const FILE = 'tiny-v3.gguf';
const bytes = fixtureBytes(FILE);
const layout = EXPECTED[FILE]!.layout;

function kv(key: string) {
  const k = layout.kvs.find((x) => x.key === key);
  assert.ok(k, key);
  return k;
}

function tensor(name: string) {
  const t = layout.tensors.find((x) => x.name === name);
  assert.ok(t, name);
  return t;
}

async function rejects(data: Uint8Array, message: RegExp, offset?: number): Promise<void> {
  await assert.rejects(openAndReadAll(ggufReader, { [FILE]: data }), (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    assert.equal(e.format, 'gguf');
    assert.match(e.message, message);
    if (offset !== undefined) assert.equal(e.offset, offset);
    return true;
  });
}

describe('GGUF reader: truncation', () => {
  it('refuses every prefix of the header region, byte by byte', async () => {
    await expectFormatErrorForEveryPrefix(ggufReader, { [FILE]: bytes.subarray(0, layout.dataStart + 1) });
  });

  it('refuses prefixes through the data section (every 61st byte)', async () => {
    await expectFormatErrorForEveryPrefix(ggufReader, { [FILE]: bytes }, 61);
  });
});

describe('GGUF reader: bad headers', () => {
  it('bad magic', () => rejects(patched(bytes, 0, 0x58, 1), /magic/, 0));
  it('version 1', () => rejects(patched(bytes, 4, 1, 4), /version 1/, 4));
  it('an unknown version', () => rejects(patched(bytes, 4, 4, 4), /unsupported GGUF version 4/, 4));
  it('big-endian files', () => rejects(patched(bytes, 4, 0x03000000, 4), /big-endian/, 4));
  it('an absurd tensor count', () => rejects(patched(bytes, layout.tensorCount, 2n ** 40n, 8), /tensor_count .* absurd/));
  it('an absurd kv count', () => rejects(patched(bytes, layout.kvCount, 2n ** 40n, 8), /metadata_kv_count .* absurd/));
  it('a count beyond 2^53', () => rejects(patched(bytes, layout.tensorCount, 2n ** 63n, 8), /exceeds 2\^53/));
});

describe('GGUF reader: bad metadata', () => {
  it('an unknown value type names it', () => rejects(patched(bytes, kv('general.name').type, 13, 4), /unknown metadata value type 13/));
  it('a key length beyond the file', () => rejects(patched(bytes, kv('general.name').at, 60000, 8), /runs past the end of the file/));
  it('a key beyond the key limit', () => rejects(patched(bytes, kv('general.name').at, 70000, 8), /over the limit of 65535/));
  it('a string value beyond the file', () => rejects(patched(bytes, kv('general.name').value, 1_000_000, 8), /runs past the end of the file/));
  it('a string value beyond the string limit', () => rejects(patched(bytes, kv('general.name').value, 2n ** 40n, 8), /over the limit/));
  it('an array count the file cannot hold', () => rejects(patched(bytes, kv('tokenizer.ggml.tokens').value + 4, 2n ** 40n, 8), /cannot fit/));
  it('a bool that is neither 0 nor 1', () => rejects(patched(bytes, kv('test.true').value, 2, 1), /neither 0 nor 1/));
  it('an alignment that is not a power of two', () => rejects(patched(bytes, kv('general.alignment').value, 48, 4), /not a power of two/));
  it('an alignment that is not a UINT32', () => rejects(patched(bytes, kv('general.alignment').type, T.FLOAT32, 4), /must be a UINT32/));
  it('a duplicate key', () => {
    const k = kv('test.u8');
    return rejects(patched(bytes, k.at + 8 + 'test.'.length, 'i'.charCodeAt(0), 1), /duplicate metadata key 'test.i8'/);
  });
  it('a key that is not UTF-8', () => rejects(patched(bytes, kv('test.u8').at + 8, 0xff, 1), /not valid UTF-8/));
});

describe('GGUF reader: bad tensor infos', () => {
  const q4 = tensor('blk.0.attn_q.weight');

  it('more than 4 dimensions', () => rejects(patched(bytes, q4.nDims, 5, 4), /5 dimensions/, q4.nDims));
  it('an unknown type id names it', () => rejects(patched(bytes, q4.type, 99, 4), /unknown tensor type id 99/, q4.type));
  it('a removed type id says so', () => rejects(patched(bytes, q4.type, 31, 4), /Q4_0_4_4.*removed/));
  it('a row that is not whole blocks', () => rejects(patched(bytes, q4.ne, 255, 8), /ne\[0\] = 255 is not a multiple of the Q4_0 block size 32/));
  it('an element count beyond 2^53', () => rejects(patched(patched(bytes, q4.ne, 2n ** 40n, 8), q4.ne + 8, 2n ** 40n, 8), /beyond 2\^53/));
  it('a misaligned offset', () => rejects(patched(bytes, q4.offset, q4.relativeOffset + 1, 8), /not a multiple of the alignment 64/, q4.offset));
  it('an offset past the end of the file', () => rejects(patched(bytes, q4.offset, 2n ** 40n, 8), /needs bytes .* but the file has/));
  it('overlapping tensors', () => {
    const next = tensor('blk.0.attn_k.weight');
    return rejects(patched(bytes, next.offset, q4.relativeOffset, 8), /overlap/);
  });
  it('a duplicate tensor name', () => {
    const t = tensor('test.i16');
    const at = t.at + 8 + 'test.i'.length;
    return rejects(patched(patched(bytes, at, '3'.charCodeAt(0), 1), at + 1, '2'.charCodeAt(0), 1), /duplicate tensor name 'test.i32'/);
  });
  it('a tensor name over 64 bytes', () => rejects(patched(bytes, q4.at, 65, 8), /over the limit of 64/));
});

describe('GGUF reader: synthetic headers', () => {
  it('reads a header larger than its first read (a 300k-token vocabulary) and keeps 64 tokens', async () => {
    const n = 300_000;
    const b = new GgufBytes().header(3, 0, 1).str('tokenizer.ggml.tokens').u32(T.ARRAY).u32(T.STRING).u64(n);
    for (let i = 0; i < n; i++) b.str(`token-${i}`);
    const model = await openFromBytes(ggufReader, { 'big.gguf': b.bytes() });
    const tokens = model.metadata['tokenizer.ggml.tokens'] as { itemType: string; length: number; first: string[] };
    assert.equal(tokens.itemType, 'STRING');
    assert.equal(tokens.length, n);
    assert.deepEqual(tokens.first, Array.from({ length: 64 }, (_, i) => `token-${i}`));
  });

  it('refuses arrays nested deeper than the limit', async () => {
    const b = new GgufBytes().header(3, 0, 1).str('deep').u32(T.ARRAY);
    for (let d = 0; d < 9; d++) b.u32(T.ARRAY).u64(1);
    b.u32(T.UINT8).u64(0);
    await assert.rejects(openFromBytes(ggufReader, { 'deep.gguf': b.bytes() }), (e: unknown) => e instanceof FormatError && /nested deeper than 8/.test(e.message));
  });

  it('keeps a key named __proto__ as plain metadata', async () => {
    const b = new GgufBytes().header(3, 0, 1).str('__proto__').u32(T.ARRAY).u32(T.UINT8).u64(1).u8(7);
    const model = await openFromBytes(ggufReader, { 'proto.gguf': b.bytes() });
    assert.ok(Object.prototype.hasOwnProperty.call(model.metadata, '__proto__'));
    assert.deepEqual(model.metadata['__proto__'], [7]);
    assert.equal(Object.getPrototypeOf(model.metadata), Object.prototype);
  });

  it('opens a file with no tensors and no padding after the header', async () => {
    const model = await openFromBytes(ggufReader, { 'empty.gguf': new GgufBytes().header(2, 0, 0).bytes() });
    assert.deepEqual(model.tensors, []);
    assert.equal(model.metadata['GGUF.version'], 2);
  });
});
