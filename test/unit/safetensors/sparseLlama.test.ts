import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModel } from '../../../src/core/formats/registry';
import { LLAMA_7B, writeSparseLlama } from '../../../scripts/sparse-llama';

/** LLaMA-7B's parameter count. // Touvron et al. 2023, and sum of the HF state dict shapes */
const LLAMA_7B_PARAMS = 6_738_415_616;

describe('a 13.5 GB LLaMA-7B-shaped sparse safetensors file', () => {
  let dir: string;
  before(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quantlens-llama-')); });
  after(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('opens from its header alone: 291 tensors with the right shapes, payload still lazily readable', async () => {
    const file = path.join(dir, 'llama-7b.safetensors');
    const size = await writeSparseLlama(file);
    const m = await openModel([file]);
    try {
      assert.equal(m.tensors.length, 291);
      assert.equal(m.sizeOnDisk, size);
      assert.ok(size > 13e9);
      const byName = new Map(m.tensors.map((t) => [t.name, t]));
      const h = LLAMA_7B.hidden;
      assert.deepEqual(byName.get('model.embed_tokens.weight')?.shape, [LLAMA_7B.vocab, h]);
      assert.deepEqual(byName.get('lm_head.weight')?.shape, [LLAMA_7B.vocab, h]);
      assert.deepEqual(byName.get('model.layers.31.self_attn.q_proj.weight')?.shape, [h, h]);
      assert.deepEqual(byName.get('model.layers.0.mlp.gate_proj.weight')?.shape, [LLAMA_7B.intermediate, h]);
      assert.deepEqual(byName.get('model.layers.17.mlp.down_proj.weight')?.shape, [h, LLAMA_7B.intermediate]);
      assert.deepEqual(byName.get('model.norm.weight')?.shape, [h]);
      assert.equal(m.tensors.filter((t) => t.name.endsWith('layernorm.weight')).length, 2 * LLAMA_7B.layers);
      assert.ok(m.tensors.every((t) => t.dtype === 'BF16' && t.byteLength === t.numel * 2));
      assert.equal(m.tensors.reduce((s, t) => s + t.numel, 0), LLAMA_7B_PARAMS);
      const last = m.tensors[m.tensors.length - 1]!;
      assert.deepEqual([...(await last.data.read(last.numel - 2, 2))], [0, 0], 'the hole reads as zeros');
    } finally {
      await m.close();
    }
  });
});
