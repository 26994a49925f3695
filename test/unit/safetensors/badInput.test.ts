import * as assert from 'node:assert/strict';
import { FormatError } from '../../../src/core/errors';
import { safetensorsReader } from '../../../src/core/formats/safetensors';
import { MAX_HEADER_BYTES, MAX_NDIMS, MAX_TENSORS } from '../../../src/core/formats/safetensors/header';
import { expectFormatErrorForEveryPrefix, openAndReadAll } from '../helpers/memoryOpen';
import { buildSafetensors, concat, f32Bytes, lengthPrefix, withHeader } from './build';

async function refused(bytes: Uint8Array, message: RegExp): Promise<void> {
  await assert.rejects(openAndReadAll(safetensorsReader, { 'bad.safetensors': bytes }), (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    assert.equal(e.format, 'safetensors');
    assert.match(e.message, message);
    return true;
  });
}

/** A header with one U8 tensor entry (or several) over `data`. */
function entries(map: Record<string, unknown>, data = new Uint8Array(4)): Uint8Array {
  return withHeader(JSON.stringify(map), data);
}

const SMALL = buildSafetensors(
  [
    { name: 'w', dtype: 'F32', shape: [2, 2], bytes: f32Bytes([1, 2, 3, 4]) },
    { name: 'b', dtype: 'F32', shape: [2], bytes: f32Bytes([5, 6]) },
  ],
  { format: 'pt' },
);

describe('safetensors reader on bad input', () => {
  it('refuses every truncation of a small file', async () => {
    await expectFormatErrorForEveryPrefix(safetensorsReader, { 'small.safetensors': SMALL });
  });

  it('refuses a header length past the end, beyond 2^53, or over the limit', async () => {
    await refused(concat(lengthPrefix(1000n), new TextEncoder().encode('{}')), /runs past the end/);
    await refused(concat(lengthPrefix(2n ** 60n), new TextEncoder().encode('{}')), /exceeds the limit/);
    await refused(concat(lengthPrefix(2n ** 64n - 1n), new TextEncoder().encode('{}')), /exceeds the limit/);
    await refused(concat(lengthPrefix(BigInt(MAX_HEADER_BYTES + 1)), new TextEncoder().encode('{}')), /exceeds the limit of 100000000/);
  });

  it('refuses invalid UTF-8, invalid JSON and JSON that is not an object', async () => {
    await refused(concat(lengthPrefix(4n), new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), /not valid UTF-8/);
    await refused(withHeader('{"a": '), /not valid JSON/);
    await refused(withHeader('{"a": 1} x'), /not valid JSON/);
    await refused(concat(lengthPrefix(2n), new TextEncoder().encode('[]')), /does not start with \{/);
    await refused(withHeader('{"a": 1}'), /tensor 'a' is not an object/);
  });

  it('refuses bad metadata', async () => {
    await refused(withHeader('{"__metadata__": {"n": 1}}'), /__metadata__\.n is not a string/);
    await refused(withHeader('{"__metadata__": []}'), /__metadata__ is not an object/);
  });

  it('refuses unknown dtypes', async () => {
    await refused(entries({ t: { dtype: 'F128', shape: [1], data_offsets: [0, 4] } }), /unsupported dtype "F128"/);
    await refused(entries({ t: { dtype: 'f32', shape: [1], data_offsets: [0, 4] } }), /unsupported dtype "f32"/);
    await refused(entries({ t: { shape: [1], data_offsets: [0, 4] } }), /unsupported dtype undefined/);
  });

  it('refuses negative, fractional, non-numeric and absurd dims', async () => {
    await refused(entries({ t: { dtype: 'U8', shape: [-4], data_offsets: [0, 4] } }), /dimension -4 is not a non-negative integer/);
    await refused(entries({ t: { dtype: 'U8', shape: [1.5], data_offsets: [0, 4] } }), /dimension 1.5/);
    await refused(entries({ t: { dtype: 'U8', shape: ['4'], data_offsets: [0, 4] } }), /dimension "4"/);
    await refused(entries({ t: { dtype: 'U8', shape: 4, data_offsets: [0, 4] } }), /shape is not an array/);
    await refused(entries({ t: { dtype: 'U8', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 4] } }), /more than 2\^53 elements/);
    await refused(entries({ t: { dtype: 'U8', shape: [1e300], data_offsets: [0, 4] } }), /not a non-negative integer/);
    await refused(entries({ t: { dtype: 'U8', shape: new Array(MAX_NDIMS + 1).fill(1), data_offsets: [0, 1] } }), /dimensions exceed the limit/);
  });

  it('refuses reversed, wrongly sized, out-of-range, overlapping and gapped offsets', async () => {
    await refused(entries({ t: { dtype: 'U8', shape: [4], data_offsets: [4, 0] } }), /end before they begin/);
    await refused(entries({ t: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }), /span 4 bytes but F32\[2\] needs 8/);
    await refused(entries({ t: { dtype: 'U8', shape: [8], data_offsets: [0, 8] } }), /run past the data section of 4 bytes/);
    await refused(entries({ t: { dtype: 'U8', shape: [4], data_offsets: [0] } }), /two non-negative integers/);
    await refused(entries({ t: { dtype: 'U8', shape: [4], data_offsets: [0, -4] } }), /two non-negative integers/);
    await refused(entries({ a: { dtype: 'U8', shape: [3], data_offsets: [0, 3] }, b: { dtype: 'U8', shape: [3], data_offsets: [1, 4] } }), /overlaps/);
    await refused(entries({ a: { dtype: 'U8', shape: [4], data_offsets: [0, 4] }, b: { dtype: 'U8', shape: [4], data_offsets: [0, 4] } }), /overlaps/);
    await refused(entries({ a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] }, b: { dtype: 'U8', shape: [1], data_offsets: [3, 4] } }), /belong to no tensor/);
    await refused(entries({ a: { dtype: 'U8', shape: [2], data_offsets: [0, 2] } }), /trailing bytes/);
  });

  it('refuses more tensors than the limit before looking at them', async () => {
    const names: string[] = [];
    for (let i = 0; i <= MAX_TENSORS; i++) names.push(`"${i}":0`);
    await refused(withHeader(`{${names.join(',')}}`), /tensors exceed the limit/);
  });
});
