import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FormatError } from '../../../src/core/errors';
import { openModel, READERS } from '../../../src/core/formats/registry';

const LLAMA = path.join(__dirname, '..', '..', 'fixtures', 'llama');
const NAMES = (JSON.parse(readFileSync(path.join(LLAMA, 'expected.json'), 'utf8')) as { tensors: { name: string }[] }).tensors.map((t) => t.name);
const SHARD = 'pytorch_model-00001-of-00001.bin';

describe('registry: a pytorch_model.bin.index.json', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quantlens-binindex-'));
    await fs.copyFile(path.join(LLAMA, 'pytorch_model.bin'), path.join(dir, SHARD));
    await fs.writeFile(path.join(dir, 'pytorch_model.bin.index.json'), JSON.stringify({ metadata: {}, weight_map: Object.fromEntries(NAMES.map((n) => [n, SHARD])) }));
  });
  afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('opens its .bin shards through the reader that sniffs them, or says no reader takes them', async () => {
    const index = path.join(dir, 'pytorch_model.bin.index.json');
    if (READERS.some((r) => r.id === 'pytorch')) {
      const m = await openModel([dir]);
      try {
        assert.equal(m.file, dir);
        assert.equal(m.format, 'pytorch');
        assert.deepEqual(m.tensors.map((t) => t.name).sort(), [...NAMES].sort());
      } finally {
        await m.close();
      }
    } else {
      await assert.rejects(openModel([index]), (e: unknown) => e instanceof FormatError && e.file === path.join(dir, SHARD) && /unrecognised format/.test(e.message));
    }
  });
});
