import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FormatError } from '../../../src/core/errors';
import { MAX_NPY_DIMS, MAX_NPY_HEADER_BYTES } from '../../../src/core/formats/numpy/npyHeader';
import { numpyReader } from '../../../src/core/formats/numpy';
import { expectFormatErrorForEveryPrefix, openAndReadAll, openFromBytes } from '../helpers/memoryOpen';
import { assertTensors, readJson, type ExpectedTensor, type JsonScalar } from '../pytorch/expectations';
import { buildZip } from '../zip/buildZip';

const DIR = 'test/fixtures/numpy';
const file = (name: string) => new Uint8Array(readFileSync(`${DIR}/${name}`));
const DESCR_DTYPES: Record<string, string> = {
  f2: 'F16', f4: 'F32', f8: 'F64', i1: 'I8', i2: 'I16', i4: 'I32', i8: 'I64', u1: 'U8', u2: 'U16', u4: 'U32', u8: 'U64', b1: 'BOOL',
};

interface ArrayExpectation {
  readonly descr: string;
  readonly shape: number[];
  readonly fortran: boolean;
  readonly values: JsonScalar[];
}

function asExpected(name: string, a: ArrayExpectation): ExpectedTensor {
  return { name, dtype: DESCR_DTYPES[a.descr.slice(1)]!, shape: a.shape, values: a.values };
}

/**
 * A .npy file: magic, version, header length, the header padded with spaces and a newline (to a
 * multiple of 64 bytes like numpy, or to exactly `headerLength`), then the payload.
 */
function npy(header: string, payload: Uint8Array = new Uint8Array(0), major = 1, headerLength?: number): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  const spaces = headerLength !== undefined ? headerLength - header.length - 1 : (64 - ((prefix + header.length + 1) % 64)) % 64;
  const padded = header + ' '.repeat(spaces) + '\n';
  const head = Buffer.alloc(prefix);
  Buffer.from('\x93NUMPY', 'latin1').copy(head);
  head[6] = major;
  if (major === 1) head.writeUInt16LE(padded.length, 8);
  else head.writeUInt32LE(padded.length, 8);
  return new Uint8Array(Buffer.concat([head, Buffer.from(padded, 'latin1'), payload]));
}

const header = (descr: string, shape: string, fortran = 'False') => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
const openNpy = (bytes: Uint8Array, name = 'a.npy') => openAndReadAll(numpyReader, { [name]: bytes });

async function rejectsWith(bytes: Uint8Array, pattern: RegExp, name = 'a.npy'): Promise<void> {
  await assert.rejects(openNpy(bytes, name), (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('numpy reader', () => {
  const expected = readJson<{ files: Record<string, ArrayExpectation | Record<string, ArrayExpectation>> }>(`${DIR}/expected.json`);

  for (const [name, want] of Object.entries(expected.files)) {
    it(`reads ${name} exactly`, async () => {
      const model = await openFromBytes(numpyReader, { [name]: file(name) });
      const tensors = name.endsWith('.npz')
        ? Object.entries(want as Record<string, ArrayExpectation>).map(([n, a]) => asExpected(n, a))
        : [asExpected(name.replace(/\.npy$/, ''), want as ArrayExpectation)];
      await assertTensors(model, tensors);
    });
  }

  it('reads every dtype in both byte orders (dtypes.npz covers each)', () => {
    const arrays = expected.files['dtypes.npz'] as Record<string, ArrayExpectation>;
    const descrs = new Set(Object.values(arrays).map((a) => a.descr));
    for (const d of ['<f2', '>f2', '<f4', '>f4', '<f8', '>f8', '|i1', '|u1', '<i2', '>i2', '<u2', '>u2', '<i4', '>i4', '<u4', '>u4', '<i8', '>i8', '<u8', '>u8', '|b1']) {
      assert.ok(descrs.has(d), d);
    }
  });

  it('reports the container and header of a .npy', async () => {
    const model = await openFromBytes(numpyReader, { 'fortran_i2_be.npy': file('fortran_i2_be.npy') });
    assert.deepEqual(model.metadata, { container: 'npy', version: '1.0', descr: '>i2', fortranOrder: true });
    assert.deepEqual((await openFromBytes(numpyReader, { 'v3.npy': file('v3.npy') })).metadata.version, '3.0');
    assert.deepEqual((await openFromBytes(numpyReader, { 'dtypes_compressed.npz': file('dtypes_compressed.npz') })).metadata, { container: 'npz', compressed: true });
  });

  it('mlp.npz (written by np.savez) matches the mlp expected.json', async () => {
    const { tensors } = readJson<{ tensors: ExpectedTensor[] }>('test/fixtures/mlp/expected.json');
    await assertTensors(await openFromBytes(numpyReader, { 'mlp.npz': new Uint8Array(readFileSync('test/fixtures/mlp/mlp.npz')) }), tensors);
  });

  for (const name of ['f4.npy', 'fortran_f4.npy', 'f8_be.npy', 'v2.npy', 'v3.npy', 'scalar.npy', 'dtypes.npz', 'dtypes_compressed.npz']) {
    it(`${name}: FormatError at every prefix`, async () => {
      await expectFormatErrorForEveryPrefix(numpyReader, { [name]: file(name) });
    });
  }

  it('reads a large deflated member chunk by chunk, forwards and back', async () => {
    const values = Float32Array.from({ length: 300_000 }, (_, i) => Math.sin(i) * 1000);
    const member = npy(header('<f4', '(300000,)'), new Uint8Array(values.buffer));
    const model = await openFromBytes(numpyReader, { 'big.npz': buildZip([{ name: 'x.npy', data: member, deflate: true }, { name: 'notes.txt', data: new Uint8Array(3) }]) });
    assert.deepEqual(model.metadata, { container: 'npz', compressed: true, otherMembers: ['notes.txt'] });
    const t = model.tensors[0]!;
    for (const start of [0, 65_536, 131_072, 299_000, 7, 200_001]) {
      const count = Math.min(65_536, t.numel - start);
      assert.deepEqual(await t.data.read(start, count), values.subarray(start, start + count), `chunk at ${start}`);
    }
    await model.close();
  });

  it('refuses object, structured, complex, string and datetime arrays clearly', async () => {
    await rejectsWith(npy(header('|O', '(2,)'), new Uint8Array(16)), /'\|O': object arrays are pickles; refused/);
    await rejectsWith(npy("{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (2,), }", new Uint8Array(16)), /structured \(void\) dtypes are not supported/);
    await rejectsWith(npy(header('|V8', '(2,)'), new Uint8Array(16)), /structured \(void\) dtypes/);
    await rejectsWith(npy(header('<c8', '(2,)'), new Uint8Array(16)), /complex dtypes are not supported/);
    await rejectsWith(npy(header('<U3', '(2,)'), new Uint8Array(24)), /unicode-string dtypes/);
    await rejectsWith(npy(header('<M8[ns]', '(2,)'), new Uint8Array(16)), /not a simple dtype/);
    await rejectsWith(npy(header('<f16', '(2,)'), new Uint8Array(64)), /'<f16': not supported/);
  });

  it('refuses ambiguous byte orders for multi-byte types', async () => {
    await rejectsWith(npy(header('=f4', '(1,)'), new Uint8Array(4)), /byte order '=' is ambiguous/);
    await rejectsWith(npy(header('f4', '(1,)'), new Uint8Array(4)), /byte order '' is ambiguous/);
    await openNpy(npy(header('<i1', '(1,)'), new Uint8Array(1)));
  });

  it('refuses malformed headers', async () => {
    await rejectsWith(npy("{'descr': '<f4', 'shape': (1,), }", new Uint8Array(4)), /header keys are \{descr,shape\}/);
    await rejectsWith(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", new Uint8Array(4)), /header keys/);
    await rejectsWith(npy(header('<f4', '[1]'), new Uint8Array(4)), /shape is not a tuple/);
    await rejectsWith(npy(header('<f4', '(-1,)'), new Uint8Array(4)), /non-negative integer/);
    await rejectsWith(npy(header('<f4', '(1,)', '0'), new Uint8Array(4)), /fortran_order is not True or False/);
    await rejectsWith(npy("{'descr': '<f4', 'fortran_order': False, 'shape': __import__('os').system('x')}"), /not a Python literal/);
    await rejectsWith(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} trailing"), /after the literal/);
    await rejectsWith(npy(header('<f4', '(3,)'), new Uint8Array(8)), /3 F32 elements need 12 bytes after the header but 8 remain/);
    const badVersion = npy(header('<f4', '(1,)'), new Uint8Array(4));
    badVersion[6] = 4;
    await rejectsWith(badVersion, /unsupported \.npy version 4\.0/);
    await rejectsWith(new Uint8Array(Buffer.from('\x93NUMPZ\x01\x00', 'latin1')), /neither a \.npy file/);
    await rejectsWith(buildZip([{ name: 'x.npy', data: new TextEncoder().encode('garbage, not an array') }]), /x\.npy does not start with the \.npy magic/, 'a.npz');
  });

  it(`refuses more than MAX_NPY_DIMS (${MAX_NPY_DIMS}) dimensions`, async () => {
    const dims = (n: number) => `(${'1, '.repeat(n)})`;
    await openNpy(npy(header('<f4', dims(MAX_NPY_DIMS)), new Uint8Array(4)));
    await rejectsWith(npy(header('<f4', dims(MAX_NPY_DIMS + 1)), new Uint8Array(4)), /65 dimensions, more than 64/);
  });

  it(`refuses headers longer than MAX_NPY_HEADER_BYTES (${MAX_NPY_HEADER_BYTES})`, async () => {
    await openNpy(npy(header('<f4', '(1,)'), new Uint8Array(4), 2, MAX_NPY_HEADER_BYTES));
    await rejectsWith(npy(header('<f4', '(1,)'), new Uint8Array(4), 2, MAX_NPY_HEADER_BYTES + 1), /header of 1048577 bytes exceeds the limit of 1048576/);
  });

  it('sniffs .npy by magic and .npz by name or first member', () => {
    assert.ok(numpyReader.sniff(file('f4.npy'), 'anything'));
    assert.ok(numpyReader.sniff(file('dtypes.npz').subarray(0, 4096), 'x.bin'));
    assert.ok(numpyReader.sniff(buildZip([{ name: 'notes.txt', data: new Uint8Array(1) }]), 'x.npz'));
    assert.ok(!numpyReader.sniff(new Uint8Array(readFileSync('test/fixtures/mlp/mlp.pt')).subarray(0, 4096), 'mlp.pt'));
  });
});
