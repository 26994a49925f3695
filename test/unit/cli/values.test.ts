import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSafetensors, f32Bytes } from '../safetensors/build';
import { run } from './run';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');
const MLP = path.join(FIXTURES, 'mlp', 'mlp.safetensors');
const EDGE = path.join(FIXTURES, 'edge', 'all_dtypes.safetensors');

type Value = number | string | boolean;
interface ValuesJson {
  name: string;
  dtype: string;
  shape: number[];
  values: Value[];
}
const MLP_EXPECTED = JSON.parse(readFileSync(path.join(FIXTURES, 'mlp', 'expected.json'), 'utf8')) as { tensors: { name: string; numel: number; first16: number[] }[] };
const EDGE_EXPECTED = (JSON.parse(readFileSync(path.join(FIXTURES, 'edge', 'expected.json'), 'utf8')) as Record<string, { tensors: ValuesJson[] }>)['all_dtypes.safetensors']!;

async function valuesJson(...argv: string[]): Promise<ValuesJson> {
  const r = await run('values', ...argv, '--json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as ValuesJson;
}

describe('quantlens values', () => {
  it('prints the first 16 values by default, N with --limit, all with --limit 0', async () => {
    const fc1 = MLP_EXPECTED.tensors.find((t) => t.name === 'fc1.bias')!;
    const j = await valuesJson(MLP, '--tensor', 'fc1.bias');
    assert.deepEqual([j.name, j.dtype, j.shape], ['fc1.bias', 'F32', [fc1.numel]]);
    assert.deepEqual(j.values, fc1.first16);
    assert.deepEqual((await valuesJson(MLP, '--tensor', 'fc1.bias', '--limit', '3')).values, fc1.first16.slice(0, 3));
    assert.equal((await valuesJson(MLP, '--tensor', 'fc1.bias', '--limit', '0')).values.length, fc1.numel);
    assert.equal((await valuesJson(MLP, '--limit=999999', '--tensor', 'fc1.bias')).values.length, fc1.numel);
  });

  it('prints every safetensors dtype exactly as torch holds it (NaN, infinities, -0, 64-bit ints, booleans)', async () => {
    for (const e of EDGE_EXPECTED.tensors) {
      const j = await valuesJson(EDGE, '--tensor', e.name, '--limit', '0');
      assert.deepEqual([j.dtype, j.shape], [e.dtype, e.shape], e.name);
      assert.deepStrictEqual(j.values, e.values, e.name);
    }
  });

  it('prints values for people: shortest float32 text, exact integers, true/false', async () => {
    const f32 = (await run('values', EDGE, '--tensor', 'f32')).stdout.split('\n');
    assert.equal(f32[0], 'f32  F32  [2, 5]  first 10 of 10 values');
    assert.equal(f32[1], '0  -1  0.1  3.4028235e+38  -3.4028235e+38  1.1754944e-38  1e-45  NaN');
    assert.equal(f32[2], 'Infinity  -Infinity');
    const i64 = (await run('values', EDGE, '--tensor', 'i64')).stdout.split('\n');
    assert.equal(i64[1], '0  -1  9007199254740992  9007199254740993  -9007199254740993  9223372036854775807  -9223372036854775808  12345');
    assert.equal((await run('values', EDGE, '--tensor', 'bool')).stdout.split('\n')[1], 'true  false  true  true  false  false');
  });

  it('suggests the closest names for an unknown --tensor (exit 1)', async () => {
    const r = await run('values', MLP, '--tensor', 'fc1.wieght');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^quantlens: .*mlp\.safetensors: no tensor 'fc1\.wieght'; closest: fc1\.weight, /);
    assert.equal(r.stderr.split('\n').length, 2);
  });

  it('refuses bad usage with exit 1', async () => {
    assert.equal((await run('values', MLP)).code, 1);
    assert.equal((await run('values', '--tensor', 'x')).code, 1);
    for (const limit of ['-1', '1.5', 'ten', '']) {
      const r = await run('values', MLP, '--tensor', 'fc1.bias', `--limit=${limit}`);
      assert.equal(r.code, 1, limit);
      assert.match(r.stderr, /--limit must be a non-negative integer/);
    }
  });

  describe('on a file that breaks after opening', () => {
    let dir: string;
    beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quantlens-values-')); });
    afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

    it('exits 2 naming the shard at fault, with the JSON error object', async () => {
      const good = path.join(dir, 'a.safetensors');
      const bad = path.join(dir, 'b.safetensors');
      await fs.writeFile(good, buildSafetensors([{ name: 'a', dtype: 'F32', shape: [2], bytes: f32Bytes([1, 2]) }]));
      const bytes = buildSafetensors([{ name: 'b', dtype: 'F32', shape: [4], bytes: f32Bytes([1, 2, 3, 4]) }]);
      await fs.writeFile(bad, bytes.subarray(0, bytes.length - 1));
      const r = await run('values', good, bad, '--tensor', 'a', '--json');
      assert.equal(r.code, 2);
      const { error } = JSON.parse(r.stdout) as { error: { file: string; format: string; message: string; offset: number } };
      assert.equal(error.file, bad);
      assert.equal(error.format, 'safetensors');
      assert.match(error.message, /run past the data section of 15 bytes/);
      assert.equal(r.stderr, `quantlens: ${bad}: safetensors: ${error.message} (at byte ${error.offset})\n`);
    });
  });
});
