import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { compareModels } from '../../../src/core/compare/compareModels';
import { safetensorsReader } from '../../../src/core/formats/safetensors';
import { permuteRows } from '../../../src/core/compare/ropePermute';
import type { Model, TensorEntry } from '../../../src/core/tensor';
import { run } from '../cli/run';
import { openFromBytes } from '../helpers/memoryOpen';
import { f32Safetensors } from './safetensorsBytes';

const FUSED = path.join(__dirname, '..', '..', 'fixtures', 'compare', 'fused');
const PHI3 = path.join(FUSED, 'phi3');
const SPLIT = path.join(FUSED, 'split.safetensors');
/** Written by scripts/fixtures/fixtures_compare_fused.py: gguf-py's dequantization of each part's rows against the split reference. */
const EXPECTED = JSON.parse(readFileSync(path.join(FUSED, 'expected.json'), 'utf8')) as Record<string, {
  reference: string; candidate: string; type: string; transform: string; sqnrDb: number | null;
}[]>;
const SQNR_TOLERANCE_DB = 0.01;

interface PairJson { reference: string; candidate: string; candidateDtype: string; transform: string; sqnrDb: number | null }
interface CompareJson { pairs: PairJson[]; unpaired: { reference: string[]; candidate: string[] }; findings: unknown[] }

async function compareJson(reference: string, candidate: string): Promise<CompareJson> {
  const r = await run('compare', reference, candidate, '--json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as CompareJson;
}

const open = (tensors: Record<string, { shape: number[]; values: number[] }>): Promise<Model> =>
  openFromBytes(safetensorsReader, { 'm.safetensors': f32Safetensors(tensors) });

const rows = (n: number, cols: number, from: number): { shape: number[]; values: number[] } =>
  ({ shape: [n, cols], values: Array.from({ length: n * cols }, (_, i) => from + i) });

describe('compare: fused and split tensors', () => {
  it("separate q/k/v and gate/up against llama.cpp's Phi-3 GGUF (attn_qkv, ffn_up = gate_up): each part paired with its rows, SQNR equal to gguf-py's", async () => {
    const expected = EXPECTED['phi3-q8_0.gguf']!;
    const j = await compareJson(SPLIT, path.join(FUSED, 'phi3-q8_0.gguf'));
    assert.deepEqual(j.unpaired, { reference: [], candidate: [] });
    assert.equal(j.pairs.length, expected.length);
    for (const t of expected) {
      const p = j.pairs.find((q) => q.reference === t.reference);
      assert.ok(p, `${t.reference} not paired`);
      assert.deepEqual([p.candidate, p.candidateDtype, p.transform], [t.candidate, t.type, t.transform]);
      if (t.sqnrDb === null) assert.equal(p.sqnrDb, null);
      else assert.ok(Math.abs(p.sqnrDb! - t.sqnrDb) <= SQNR_TOLERANCE_DB, `${t.reference}: ${p.sqnrDb} vs gguf-py ${t.sqnrDb}`);
    }
    assert.deepEqual(j.pairs.filter((p) => p.transform.startsWith('split:')).map((p) => p.transform).sort(), ['split:gate', 'split:k', 'split:q', 'split:up', 'split:v']);
    assert.deepEqual(j.findings, []);
  });

  it('both directions between Hugging Face files: fused reference against split candidate and the reverse, exact', async () => {
    for (const [reference, candidate, fusedSide] of [[PHI3, SPLIT, 'reference'], [SPLIT, PHI3, 'candidate']] as const) {
      const j = await compareJson(reference, candidate);
      assert.deepEqual(j.unpaired, { reference: [], candidate: [] });
      const split = j.pairs.filter((p) => p.transform.startsWith('split:'));
      assert.deepEqual(split.map((p) => [p.transform, p[fusedSide]]).sort(), [
        ['split:gate', 'model.layers.0.mlp.gate_up_proj.weight'],
        ['split:k', 'model.layers.0.self_attn.qkv_proj.weight'],
        ['split:q', 'model.layers.0.self_attn.qkv_proj.weight'],
        ['split:up', 'model.layers.0.mlp.gate_up_proj.weight'],
        ['split:v', 'model.layers.0.self_attn.qkv_proj.weight'],
      ]);
      assert.ok(j.pairs.every((p) => p.sqnrDb === null), 'same BF16 values on both sides');
    }
  });

  it('slices land on the right rows: a part compared with the wrong rows would not be exact', async () => {
    const ref = await open({ 'a.self_attn.q_proj.weight': rows(2, 2, 0), 'a.self_attn.k_proj.weight': rows(1, 2, 4), 'a.self_attn.v_proj.weight': rows(1, 2, 6) });
    const cand = await open({ 'a.self_attn.qkv_proj.weight': { shape: [4, 2], values: [0, 1, 2, 3, 4, 5, 6, 7.5] } });
    const r = await compareModels(ref, cand, { kind: 'auto' });
    assert.deepEqual(r.pairs.map((p) => [p.reference, p.transform, p.shape, p.maxAbsErr]), [
      ['a.self_attn.q_proj.weight', 'split:q', [2, 2], 0],
      ['a.self_attn.k_proj.weight', 'split:k', [1, 2], 0],
      ['a.self_attn.v_proj.weight', 'split:v', [1, 2], 0.5],
    ]);
  });

  it('parts whose rows do not add up to the fused tensor, or a part missing, are listed as unpaired, never guessed', async () => {
    const ref = await open({ 'a.self_attn.q_proj.weight': rows(2, 2, 0), 'a.self_attn.k_proj.weight': rows(1, 2, 4), 'a.self_attn.v_proj.weight': rows(1, 2, 6), 'a.mlp.up_proj.weight': rows(2, 2, 0), x: rows(1, 1, 0) });
    const cand = await open({ 'a.self_attn.qkv_proj.weight': rows(5, 2, 0), 'a.mlp.gate_up_proj.weight': rows(4, 2, 0), x: rows(1, 1, 0) });
    const r = await compareModels(ref, cand, { kind: 'auto' });
    assert.deepEqual(r.pairs.map((p) => [p.reference, p.transform]), [['x', 'none']]);
    assert.deepEqual(r.unpaired, {
      reference: ['a.self_attn.q_proj.weight', 'a.self_attn.k_proj.weight', 'a.self_attn.v_proj.weight', 'a.mlp.up_proj.weight'],
      candidate: ['a.self_attn.qkv_proj.weight', 'a.mlp.gate_up_proj.weight'],
    });
  });

  it("a GGUF attn_qkv's slices are never rope-permuted (no converter permutes a fused Q/K), while a separate attn_q of the same file is", async () => {
    const cols = 3;
    const f32 = (name: string, shape: number[], values: Float32Array): TensorEntry => ({
      name, dtype: 'F32', shape, numel: values.length, byteLength: values.byteLength, source: 'm',
      data: { blockSize: 1, read: async (start, count) => values.subarray(start, start + count) },
    });
    const memory = (file: string, format: Model['format'], metadata: Model['metadata'], tensors: TensorEntry[]): Model =>
      ({ file, format, metadata, tensors, sizeOnDisk: 0, close: async () => undefined });
    // Two heads of 4 rows for q, one for k and v: distinct rows, so a permuted slice could not be exact.
    const hf = (rows: number, from: number): Float32Array => Float32Array.from({ length: rows * cols }, (_, i) => from + i * 1.5);
    const [q, k, v, q1] = [hf(8, 0), hf(4, 100), hf(4, 200), hf(8, 300)];
    const reference = memory('hf', 'safetensors', {}, [
      f32('model.layers.0.self_attn.q_proj.weight', [8, cols], q), f32('model.layers.0.self_attn.k_proj.weight', [4, cols], k),
      f32('model.layers.0.self_attn.v_proj.weight', [4, cols], v), f32('model.layers.1.self_attn.q_proj.weight', [8, cols], q1),
    ]);
    const qkv = new Float32Array([...q, ...k, ...v]);
    const candidate = memory('gguf', 'gguf', { 'general.architecture': 'llama', 'llama.attention.head_count': 2, 'llama.attention.head_count_kv': 1 }, [
      f32('blk.0.attn_qkv.weight', [16, cols], qkv), f32('blk.1.attn_q.weight', [8, cols], permuteRows(q1, 8, cols, 4, true)),
    ]);
    const r = await compareModels(reference, candidate, { kind: 'auto' });
    assert.deepEqual(r.pairs.map((p) => [p.reference, p.candidate, p.transform, p.maxAbsErr]), [
      ['model.layers.0.self_attn.q_proj.weight', 'blk.0.attn_qkv.weight', 'split:q', 0],
      ['model.layers.0.self_attn.k_proj.weight', 'blk.0.attn_qkv.weight', 'split:k', 0],
      ['model.layers.0.self_attn.v_proj.weight', 'blk.0.attn_qkv.weight', 'split:v', 0],
      ['model.layers.1.self_attn.q_proj.weight', 'blk.1.attn_q.weight', 'rope-permute', 0],
    ]);
  });
});
