import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatError, UsageError } from '../../../src/core/errors';
import { openModel } from '../../../src/core/formats/registry';
import { buildSafetensors, f32Bytes } from './build';

const SHARD1 = buildSafetensors([{ name: 'a.weight', dtype: 'F32', shape: [2], bytes: f32Bytes([1, 2]) }], { format: 'pt' });
const SHARD2 = buildSafetensors([
  { name: 'b.weight', dtype: 'F32', shape: [1, 2], bytes: f32Bytes([3, 4]) },
  { name: 'b.bias', dtype: 'F32', shape: [1], bytes: f32Bytes([5]) },
]);
const INDEX = {
  metadata: { total_size: 20 },
  weight_map: { 'a.weight': 'model-00001-of-00002.safetensors', 'b.weight': 'model-00002-of-00002.safetensors', 'b.bias': 'model-00002-of-00002.safetensors' },
};

let dir: string;

async function write(name: string, bytes: Uint8Array | string): Promise<string> {
  const file = path.join(dir, name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, bytes);
  return file;
}

async function names(paths: string[]): Promise<string[]> {
  const m = await openModel(paths);
  try {
    return m.tensors.map((t) => `${t.name}@${t.source}`);
  } finally {
    await m.close();
  }
}

async function refusedWith(paths: string[], kind: typeof FormatError | typeof UsageError, message: RegExp, file?: string): Promise<void> {
  await assert.rejects(openModel(paths), (e: unknown) => {
    assert.ok(e instanceof kind, `expected ${kind.name}, got ${String(e)}`);
    assert.match(e.message, message);
    if (file !== undefined) assert.equal((e as FormatError).file, file);
    return true;
  });
}

const JOINED = ['a.weight@model-00001-of-00002.safetensors', 'b.weight@model-00002-of-00002.safetensors', 'b.bias@model-00002-of-00002.safetensors'];

describe('registry: shards, index files and folders', () => {
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quantlens-shards-'));
    await write('model-00001-of-00002.safetensors', SHARD1);
    await write('model-00002-of-00002.safetensors', SHARD2);
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('opens an index as one model, with the index metadata and every shard', async () => {
    const index = await write('model.safetensors.index.json', JSON.stringify(INDEX));
    const m = await openModel([index]);
    try {
      assert.equal(m.file, index);
      assert.equal(m.format, 'safetensors');
      assert.deepEqual(m.metadata, { format: 'pt', total_size: 20 });
      assert.deepEqual(m.tensors.map((t) => `${t.name}@${t.source}`), JOINED);
      assert.equal(m.sizeOnDisk, SHARD1.length + SHARD2.length + JSON.stringify(INDEX).length);
      assert.deepEqual([...(await m.tensors[2]!.data.read(0, 1))], [5]);
    } finally {
      await m.close();
    }
  });

  it('opens several shard paths, and a folder, as one model', async () => {
    assert.deepEqual(await names([path.join(dir, 'model-00001-of-00002.safetensors'), path.join(dir, 'model-00002-of-00002.safetensors')]), JOINED);
    assert.deepEqual(await names([dir]), JOINED);
  });

  it('prefers the index in a folder, and safetensors over .bin copies', async () => {
    await write('pytorch_model.bin', 'not read: the safetensors files win');
    assert.deepEqual(await names([dir]), JOINED);
    await write('model.safetensors.index.json', JSON.stringify({ weight_map: { 'a.weight': 'model-00001-of-00002.safetensors' } }));
    assert.deepEqual(await names([dir]), ['a.weight@model-00001-of-00002.safetensors'], 'only the shards the index names');
  });

  it('refuses index names that escape the folder', async () => {
    await write('outside.safetensors', SHARD1);
    for (const escape of ['../outside.safetensors', '/etc/passwd', 'sub/../../outside.safetensors', 'C:\\\\Windows\\\\win.ini', '..\\\\outside.safetensors']) {
      const index = await write('sub/model.safetensors.index.json', JSON.stringify({ weight_map: { x: escape } }));
      await refusedWith([index], FormatError, /outside the folder/, index);
    }
  });

  it('refuses a weight_map that names a tensor its shard lacks, or a missing shard', async () => {
    const wrong = await write('wrong.index.json', JSON.stringify({ weight_map: { 'a.weight': 'model-00002-of-00002.safetensors' } }));
    await refusedWith([wrong], FormatError, /puts 'a\.weight' in model-00002-of-00002\.safetensors, which holds no such tensor/, wrong);
    const missing = await write('missing.index.json', JSON.stringify({ weight_map: { x: 'model-00003-of-00003.safetensors' } }));
    await refusedWith([missing], FormatError, /cannot open model-00003-of-00003\.safetensors: ENOENT/, path.join(dir, 'model-00003-of-00003.safetensors'));
    const empty = await write('empty.index.json', JSON.stringify({ weight_map: {} }));
    await refusedWith([empty], FormatError, /weight_map is empty/, empty);
    const notIndex = await write('list.index.json', '[1, 2]');
    await refusedWith([notIndex], FormatError, /not a JSON object/, notIndex);
  });

  it('names the shard at fault, at open and at read time', async () => {
    const second = path.join(dir, 'model-00002-of-00002.safetensors');
    await fs.writeFile(second, SHARD2.subarray(0, SHARD2.length - 2));
    await refusedWith([dir], FormatError, /run past the data section/, second);
    await fs.writeFile(second, SHARD2);
    const m = await openModel([dir]);
    try {
      await fs.truncate(second, 40);
      await assert.rejects(m.tensors[2]!.data.read(0, 1), (e: unknown) => e instanceof FormatError && e.file === second);
    } finally {
      await m.close();
    }
  });

  it('refuses duplicate tensor names across shards, and mixed inputs', async () => {
    const copy = await write('copy.safetensors', SHARD1);
    await refusedWith([path.join(dir, 'model-00001-of-00002.safetensors'), copy], FormatError, /'a\.weight' is in both/, copy);
    const index = await write('model.safetensors.index.json', JSON.stringify(INDEX));
    await refusedWith([index, copy], UsageError, /give it alone/);
  });

  it('refuses a zero-byte file, random bytes and a missing path', async () => {
    const empty = await write('empty.safetensors', new Uint8Array(0));
    await refusedWith([empty], FormatError, /empty file/, empty);
    const noise = await write('noise.bin', new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)));
    await refusedWith([noise], FormatError, /unrecognised format/, noise);
    await refusedWith([path.join(dir, 'nope.safetensors')], UsageError, /no such file/);
    await refusedWith([], UsageError, /no file given/);
  });
});
