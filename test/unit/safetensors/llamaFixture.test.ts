import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { openModel } from '../../../src/core/formats/registry';
import type { Model } from '../../../src/core/tensor';

const LLAMA = path.join(__dirname, '..', '..', 'fixtures', 'llama');

interface Expected {
  readonly tensors: readonly { name: string; dtype: string; shape: number[]; numel: number; shard: string; first8: number[]; sha256: string }[];
  readonly outliers: readonly { name: string; index: number[]; value: number }[];
}
const EXPECTED = JSON.parse(readFileSync(path.join(LLAMA, 'expected.json'), 'utf8')) as Expected;

/** bf16 bytes of values that came from bf16: the high half of each float32, exactly. */
function bf16Sha256(values: Float32Array): string {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const half = Uint16Array.from(bits, (b) => b >>> 16);
  return createHash('sha256').update(new Uint8Array(half.buffer)).digest('hex');
}

async function check(paths: string[], sharded: boolean): Promise<void> {
  const m: Model = await openModel(paths);
  try {
    assert.equal(m.format, 'safetensors');
    const byName = new Map(m.tensors.map((t) => [t.name, t]));
    assert.equal(m.tensors.length, EXPECTED.tensors.length);
    for (const e of EXPECTED.tensors) {
      const t = byName.get(e.name);
      assert.ok(t, e.name);
      assert.deepEqual([t.dtype, t.shape, t.numel], [e.dtype, e.shape, e.numel], e.name);
      assert.equal(t.source, sharded ? e.shard : 'model.safetensors', e.name);
      const values = (await t.data.read(0, t.numel)) as Float32Array;
      assert.deepEqual([...values.subarray(0, 8)], e.first8, e.name);
      assert.equal(bf16Sha256(values), e.sha256, e.name);
    }
    for (const o of EXPECTED.outliers) {
      const t = byName.get(o.name)!;
      const flat = o.index[0]! * t.shape[1]! + o.index[1]!;
      assert.deepEqual([...(await t.data.read(flat, 1))], [o.value], `${o.name}[${o.index.join(', ')}]`);
    }
  } finally {
    await m.close();
  }
}

describe('tiny LLaMA fixture (BF16, single file and HF shards)', () => {
  it('single file', () => check([path.join(LLAMA, 'single', 'model.safetensors')], false));
  it('index file', () => check([path.join(LLAMA, 'sharded', 'model.safetensors.index.json')], true));
  it('folder of shards', () => check([path.join(LLAMA, 'sharded')], true));
  it('shard paths', () => check(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'].map((n) => path.join(LLAMA, 'sharded', n)), true));
});
