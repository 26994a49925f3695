import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { layerImatrixStats, tensorImatrixStats } from '../../../../src/core/plan/imatrix/imatrixStats';
import { matchImatrix } from '../../../../src/core/plan/imatrix/matchImatrix';
import { readImatrix } from '../../../../src/core/plan/imatrix/readImatrix';
import { openLlamaModel } from '../../../../src/core/plan/llamaCpp/openLlamaModel';

const PLAN = path.join(__dirname, '..', '..', '..', 'fixtures', 'plan');
const FOLDER = path.join(PLAN, 'imatrix');

interface ExpectedEntry { matrices: number; length: number; sum: number; min: number; max: number; first: number[] }
interface ExpectedFile { model: string; format: 'gguf' | 'dat'; datasets: string[]; chunkCount: number; entries: Record<string, ExpectedEntry> }

async function expected(): Promise<Record<string, ExpectedFile>> {
  return JSON.parse(await fs.readFile(path.join(FOLDER, 'expected.json'), 'utf8')) as Record<string, ExpectedFile>;
}

const close = (a: number, b: number, rel = 1e-6): boolean => Math.abs(a - b) <= rel * Math.max(1e-12, Math.abs(b));

describe('imatrix: llama-imatrix files, GGUF and legacy .dat', () => {
  it('reads every file llama-imatrix wrote to the column weights llama-quantize derives (gguf-py and numpy agree)', async () => {
    const files = await expected();
    assert.equal(Object.keys(files).length, 4);
    for (const [file, want] of Object.entries(files)) {
      const imatrix = await readImatrix(path.join(FOLDER, file));
      assert.equal(imatrix.format, want.format, file);
      assert.deepEqual(imatrix.datasets, want.datasets, file);
      assert.equal(imatrix.chunkCount, want.chunkCount, file);
      assert.deepEqual([...imatrix.entries.keys()].sort(), Object.keys(want.entries).sort(), file);
      for (const [name, e] of Object.entries(want.entries)) {
        const got = imatrix.entries.get(name)!;
        assert.equal(got.values.length, e.length, `${file} ${name}`);
        assert.equal(got.matrices, e.matrices, `${file} ${name}`);
        assert.deepEqual([...got.values.subarray(0, e.first.length)], e.first, `${file} ${name}`);
        const sum = got.values.reduce((s, v) => s + v, 0);
        assert.ok(close(sum, e.sum), `${file} ${name}: sum ${sum} vs ${e.sum}`);
        assert.equal(Math.min(...got.values), e.min);
        assert.equal(Math.max(...got.values), e.max);
      }
    }
  });

  it('gives the same weights from both formats of one run', async () => {
    for (const model of ['llama-gqa', 'moe']) {
      const g = await readImatrix(path.join(FOLDER, `${model}.imatrix.gguf`));
      const d = await readImatrix(path.join(FOLDER, `${model}.imatrix.dat`));
      for (const [name, e] of g.entries) {
        const other = d.entries.get(name)!.values;
        assert.equal(other.length, e.values.length);
        e.values.forEach((v, i) => assert.ok(close(other[i]!, v, 1e-5), `${model} ${name}[${i}]: ${other[i]} vs ${v}`));
      }
    }
  });

  it('matches its model: per-expert weights for 3-D expert tensors', async () => {
    const model = await openLlamaModel([path.join(PLAN, 'moe.gguf')]);
    const weights = matchImatrix(await readImatrix(path.join(FOLDER, 'moe.imatrix.gguf')), model.tensors);
    assert.equal(weights.get('blk.0.ffn_down_exps.weight')!.length, 32 * 8);
    assert.equal(weights.get('blk.1.attn_q.weight')!.length, 256);
  });

  it('refuses an imatrix of another model, naming the tensor', async () => {
    const gqa = await openLlamaModel([path.join(PLAN, 'llama-gqa.gguf')]);
    const moe = await readImatrix(path.join(FOLDER, 'moe.imatrix.gguf'));
    assert.throws(() => matchImatrix(moe, gqa.tensors), (e: Error) => e.name === 'UsageError' && /blk\.0\.ffn_down_exps\.weight is not a tensor of the model/.test(e.message));
    // same names, other columns: the odd-rows model's ffn_down has 48 columns, not 32
    const odd = await openLlamaModel([path.join(PLAN, 'odd-rows.gguf')]);
    const gqaImatrix = await readImatrix(path.join(FOLDER, 'llama-gqa.imatrix.dat'));
    const onlyLayer0 = { ...gqaImatrix, entries: new Map([...gqaImatrix.entries].filter(([n]) => n.startsWith('blk.0.'))) };
    assert.throws(() => matchImatrix(onlyLayer0, odd.tensors), (e: Error) => e.name === 'UsageError' && /blk\.0\.ffn_down\.weight has 32 values, the model's tensor needs 48/.test(e.message));
  });

  it('refuses a truncated .dat, a GGUF that is no imatrix and a missing file in one line', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quantlens-imatrix-'));
    try {
      const bytes = await fs.readFile(path.join(FOLDER, 'llama-gqa.imatrix.dat'));
      const cut = path.join(dir, 'cut.dat');
      await fs.writeFile(cut, bytes.subarray(0, 1000));
      await assert.rejects(readImatrix(cut), (e: Error) => e.name === 'FormatError' && /truncated/.test(e.message) && !e.message.includes('\n'));
      await assert.rejects(readImatrix(path.join(PLAN, 'llama-gqa.gguf')), (e: Error) => e.name === 'FormatError' && /not an importance matrix/.test(e.message));
      await assert.rejects(readImatrix(path.join(dir, 'none.dat')), (e: Error) => e.name === 'UsageError' && /ENOENT/.test(e.message));
    } finally {
      await fs.rm(dir, { recursive: true });
    }
  });

  it('summarizes energy and spread per tensor and per layer', async () => {
    const imatrix = await readImatrix(path.join(FOLDER, 'llama-gqa.imatrix.gguf'));
    const want = (await expected())['llama-gqa.imatrix.gguf']!.entries;
    const stats = tensorImatrixStats(imatrix);
    for (const s of stats) {
      const e = want[s.name]!;
      assert.ok(close(s.energy, e.sum), s.name);
      assert.ok(close(s.spread, e.max / (e.sum / e.length)), s.name);
      assert.ok(s.cv > 0);
    }
    const layers = layerImatrixStats(imatrix);
    assert.deepEqual(layers.map((l) => l.layer), [0, 1, 2, 3, 4, 5, 6, 7]);
    const layer3 = stats.filter((s) => s.name.startsWith('blk.3.')).reduce((n, s) => n + s.energy, 0);
    assert.ok(close(layers[3]!.energy, layer3));
  });
});
