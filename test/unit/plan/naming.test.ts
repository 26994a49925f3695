import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ggufToHf, hfToGguf, HF_ARCHITECTURES } from '../../../src/core/naming/hfGguf';
import { PLAN_FIXTURES } from './expectedPlans';

/** Per GGUF architecture: Hugging Face name -> GGUF name as gguf-py's TensorNameMap maps it (null: unmapped). */
const NAMING = JSON.parse(readFileSync(path.join(PLAN_FIXTURES, 'naming.json'), 'utf8')) as Record<string, Record<string, string | null>>;

describe('Hugging Face <-> GGUF tensor names (as llama.cpp\'s gguf-py maps them)', () => {
  it('covers every architecture the converter table names', () => {
    assert.deepEqual([...new Set(Object.values(HF_ARCHITECTURES))].sort(), Object.keys(NAMING).sort());
  });

  for (const [arch, pairs] of Object.entries(NAMING)) {
    it(`${arch}: each name both ways`, () => {
      for (const [hf, gguf] of Object.entries(pairs)) {
        assert.equal(hfToGguf(hf, arch)?.name ?? null, gguf, `${arch} ${hf}`);
        if (gguf !== null) assert.equal(ggufToHf(gguf, arch), hf, `${arch} back from ${gguf}`);
      }
    });
  }

  it('maps one expert of a Hugging Face MoE to the merged tensor and back', () => {
    assert.deepEqual(hfToGguf('model.layers.3.block_sparse_moe.experts.5.w2.weight', 'llama'), { name: 'blk.3.ffn_down_exps.weight', expert: 5 });
    assert.deepEqual(hfToGguf('model.layers.0.mlp.experts.17.up_proj.weight', 'qwen3moe'), { name: 'blk.0.ffn_up_exps.weight', expert: 17 });
    assert.equal(ggufToHf('blk.3.ffn_down_exps.weight', 'llama', 5), 'model.layers.3.block_sparse_moe.experts.5.w2.weight');
  });

  it('has no name for what the converter does not map', () => {
    assert.equal(hfToGguf('model.layers.0.self_attn.rotary_emb.inv_freq', 'llama'), null);
    assert.equal(hfToGguf('model.layers.0.self_attn.q_proj.weight', 'bert'), null);
    assert.equal(ggufToHf('blk.0.attn_q.weight', 'bert'), null);
  });
});
