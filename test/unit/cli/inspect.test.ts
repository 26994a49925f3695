import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { inspectText } from '../../../src/cli/commands/inspect';
import type { Model, TensorEntry } from '../../../src/core/tensor';
import { run } from './run';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');
const MLP = path.join(FIXTURES, 'mlp', 'mlp.safetensors');
const MLP_EXPECTED = JSON.parse(readFileSync(path.join(FIXTURES, 'mlp', 'expected.json'), 'utf8')) as {
  tensors: { name: string; dtype: string; shape: number[]; numel: number }[];
};

interface InspectJson {
  file: string;
  format: string;
  metadata: Record<string, unknown>;
  tensors: { name: string; dtype: string; shape: number[]; numel: number; byteLength: number; source: string; storage?: unknown }[];
  params: number;
  sizeOnDisk: number;
}

describe('quantlens inspect', () => {
  it('--json lists every tensor as CLI.md says, with totals', async () => {
    const r = await run('inspect', MLP, '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const j = JSON.parse(r.stdout) as InspectJson;
    assert.equal(j.file, MLP);
    assert.equal(j.format, 'safetensors');
    const byName = new Map(j.tensors.map((t) => [t.name, t]));
    assert.equal(j.tensors.length, MLP_EXPECTED.tensors.length);
    for (const e of MLP_EXPECTED.tensors) {
      assert.deepEqual(byName.get(e.name), { name: e.name, dtype: e.dtype, shape: e.shape, numel: e.numel, byteLength: e.numel * 4, source: 'mlp.safetensors' });
    }
    assert.equal(j.params, MLP_EXPECTED.tensors.reduce((s, t) => s + t.numel, 0));
    assert.equal(j.sizeOnDisk, readFileSync(MLP).length);
  });

  it('prints a table with one line per tensor and a summary', async () => {
    const r = await run('inspect', MLP);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /mlp\.safetensors \(safetensors\)/);
    const row = lines.find((l) => l.startsWith('fc1.weight '));
    assert.match(row ?? '', /^fc1\.weight\s+F32\s+\[256, 784\]\s+200,704\s+802,816$/);
    const params = MLP_EXPECTED.tensors.reduce((s, t) => s + t.numel, 0);
    assert.ok(r.stdout.includes(`${MLP_EXPECTED.tensors.length} tensors, ${params.toLocaleString('en-US')} parameters`), r.stdout);
  });

  it('shows shards as sources and tfjs storage', async () => {
    const sharded = JSON.parse((await run('inspect', path.join(FIXTURES, 'llama', 'sharded'), '--json')).stdout) as InspectJson;
    assert.deepEqual(new Set(sharded.tensors.map((t) => t.source)), new Set(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']));
    assert.equal(sharded.metadata['total_size'], 263808);
    const tfjs = JSON.parse((await run('inspect', path.join(FIXTURES, 'tfjs', 'graph', 'model.json'), '--json')).stdout) as InspectJson;
    const u8 = tfjs.tensors.find((t) => t.name === 'conv/kernel_u8')!;
    assert.equal(u8.dtype, 'F32');
    assert.deepEqual(u8.storage, { dtype: 'U8', scale: 0.0021748935475068933, min: -0.2522876515107996 });
    const text = (await run('inspect', path.join(FIXTURES, 'tfjs', 'graph'))).stdout;
    assert.match(text, /conv\/kernel_u8\s+F32 \(U8\)\s+\[6, 4\]/);
  });

  it('exits 1 on usage errors and 2 on bad files, with one line on stderr', async () => {
    const none = await run('inspect');
    assert.deepEqual([none.code, none.stderr], [1, 'quantlens: inspect: no file given\n']);
    const flag = await run('inspect', MLP, '--bogus');
    assert.equal(flag.code, 1);
    assert.match(flag.stderr, /^quantlens: .*bogus.*\n$/);
    const missing = await run('inspect', path.join(FIXTURES, 'nope.safetensors'));
    assert.equal(missing.code, 1);
    const notModel = path.join(FIXTURES, 'mlp', 'expected.json');
    const bad = await run('inspect', notModel);
    assert.equal(bad.code, 2);
    assert.equal(bad.stdout, '');
    assert.ok(bad.stderr.startsWith(`quantlens: ${notModel}: file: unrecognised format (QuantLens reads `), bad.stderr);
    assert.ok(bad.stderr.endsWith(') (at byte 0)\n'), bad.stderr);
    assert.equal(bad.stderr.split('\n').length, 2, 'one line');
  });

  it('--json puts the error object on stdout', async () => {
    const notModel = path.join(FIXTURES, 'tfjs', 'graph', 'group1-shard1of3.bin');
    const r = await run('inspect', notModel, '--json');
    assert.equal(r.code, 2);
    const { error } = JSON.parse(r.stdout) as { error: { file: string; format: string; message: string; offset: number | null } };
    assert.equal(error.file, notModel);
    assert.equal(error.format, 'file');
    assert.match(error.message, /unrecognised format/);
    assert.equal(error.offset, 0);
    assert.match(r.stderr, /^quantlens: .*group1-shard1of3\.bin: file: unrecognised format/);
  });

  it('prints models of more than ~125k tensors (Math.max(...rows) overflowed the stack; found by fuzzing)', () => {
    const count = 130_000;
    const tensor = (i: number): TensorEntry => ({
      name: `layers.${i}.weight`, dtype: 'F32', shape: [2], numel: 2, byteLength: 8, source: 'big.safetensors',
      data: { blockSize: 1, read: async () => new Float32Array(2) },
    });
    const model: Model = {
      file: 'big.safetensors', format: 'safetensors', metadata: {}, tensors: Array.from({ length: count }, (_, i) => tensor(i)),
      sizeOnDisk: 0, close: async () => undefined,
    };
    const lines = inspectText(model).split('\n');
    assert.equal(lines.filter((l) => l.startsWith('layers.')).length, count);
    assert.match(lines.find((l) => l.startsWith('layers.129999.'))!, /^layers\.129999\.weight +F32 +\[2\] +2 +8$/);
  });
});
