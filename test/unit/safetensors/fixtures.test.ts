import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { openModel } from '../../../src/core/formats/registry';
import type { Model, Values } from '../../../src/core/tensor';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

interface Expected {
  readonly tensors: readonly { name: string; dtype: string; shape: number[]; numel?: number; first16?: number[]; sha256?: string }[];
  readonly sampled?: readonly { name: string; first8: number[]; sha256: string }[];
}

function expected(folder: string): Expected {
  return JSON.parse(readFileSync(path.join(FIXTURES, folder, 'expected.json'), 'utf8')) as Expected;
}

/** sha256 of the values' little-endian bytes: the stored bytes for F32, I64 and other full-width types. */
function sha256(values: Values): string {
  return createHash('sha256').update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)).digest('hex');
}

async function withModel(file: string, body: (m: Model) => Promise<void>): Promise<void> {
  const m = await openModel([path.join(FIXTURES, file)]);
  try {
    await body(m);
  } finally {
    await m.close();
  }
}

describe('safetensors reader on files written by torch', () => {
  it('lists and decodes the trained MLP exactly (values and sha256 of bytes)', async () => {
    const exp = expected('mlp');
    await withModel('mlp/mlp.safetensors', async (m) => {
      assert.equal(m.format, 'safetensors');
      const byName = new Map(m.tensors.map((t) => [t.name, t]));
      assert.deepEqual([...byName.keys()].sort(), exp.tensors.map((t) => t.name).sort());
      for (const e of exp.tensors) {
        const t = byName.get(e.name)!;
        assert.deepEqual([t.dtype, t.shape, t.numel, t.source], [e.dtype, e.shape, e.numel, 'mlp.safetensors']);
        const all = await t.data.read(0, t.numel);
        assert.deepEqual([...all.subarray(0, 16)], e.first16, e.name);
        assert.equal(sha256(all), e.sha256, e.name);
      }
    });
  });

  it('lists every shufflenet tensor (F16 and I64 scalars) and decodes the sampled ones', async () => {
    const exp = expected('torchvision');
    await withModel('torchvision/shufflenet_v2_x0_5.safetensors', async (m) => {
      const byName = new Map(m.tensors.map((t) => [t.name, t]));
      assert.equal(m.tensors.length, exp.tensors.length);
      for (const e of exp.tensors) assert.deepEqual([byName.get(e.name)?.dtype, byName.get(e.name)?.shape], [e.dtype, e.shape], e.name);
      for (const s of exp.sampled ?? []) {
        const t = byName.get(s.name)!;
        const first = await t.data.read(0, Math.min(8, t.numel));
        assert.deepEqual([...first].map(Number), s.first8, s.name);
        if (t.dtype === 'I64') assert.equal(sha256(await t.data.read(0, t.numel)), s.sha256, s.name);
      }
    });
  });
});
