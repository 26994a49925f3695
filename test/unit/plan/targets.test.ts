import * as assert from 'node:assert/strict';
import { UsageError } from '../../../src/core/errors';
import { candidateName } from '../../../src/core/plan/costModel';
import type { PlanTensor } from '../../../src/core/plan/planTypes';
import { parseCandidateList, PLAN_TARGET_NAMES, PLAN_TARGETS } from '../../../src/core/plan/targets';

const hf = (name: string, shape: number[], consumer?: PlanTensor['consumer']): PlanTensor => {
  const numel = shape.reduce((a, b) => a * b, 1);
  return { name, ne: [...shape].reverse(), numel, type: 'BF16', bytes: 2 * numel, ...(consumer ? { consumer } : {}) };
};

describe('plan targets', () => {
  it('has one entry per target name, each with unique names and its defaults among its candidates', () => {
    assert.deepEqual(Object.keys(PLAN_TARGETS), [...PLAN_TARGET_NAMES]);
    for (const [name, target] of Object.entries(PLAN_TARGETS)) {
      assert.equal(target.name, name);
      const names = target.candidates.map(candidateName);
      assert.equal(new Set(names).size, names.length, name);
      assert.ok(names.includes('keep'), `${name} can keep`);
      for (const c of target.defaultCandidates) assert.ok(names.includes(candidateName(c)), `${name}: default ${candidateName(c)}`);
      for (const c of target.candidates) assert.deepEqual(target.parseCandidate(candidateName(c).toUpperCase()), c);
    }
  });

  it('parses --candidates lists, naming a bad item and the valid ones', () => {
    const modelopt = PLAN_TARGETS.modelopt;
    assert.deepEqual(parseCandidateList(modelopt, 'nvfp4, FP8,keep').map(candidateName), ['nvfp4', 'fp8', 'keep']);
    assert.throws(() => parseCandidateList(modelopt, 'nvfp4,q4_k'), (e: unknown) => e instanceof UsageError && /'q4_k' is not a modelopt candidate \(one of nvfp4, fp8, /.test(e.message));
    assert.throws(() => parseCandidateList(modelopt, 'nvfp4,NVFP4'), /nvfp4 is listed twice/);
    assert.throws(() => parseCandidateList(modelopt, ' , '), /empty/);
    assert.deepEqual(parseCandidateList(PLAN_TARGETS['llama.cpp'], 'q4_k,Q6_K').map(candidateName), ['Q4_K', 'Q6_K']);
  });

  it('llama.cpp: llama-quantize\'s own exclusions, no groups', () => {
    const t = PLAN_TARGETS['llama.cpp'];
    const gguf = (name: string, ne: number[]): PlanTensor => ({ name, ne, numel: ne.reduce((a, b) => a * b, 1), type: 'F16', bytes: 0 });
    assert.equal(t.notPlanned(gguf('blk.0.attn_norm.weight', [64])), 'fewer than 2 dimensions');
    assert.equal(t.notPlanned(gguf('blk.0.ffn_gate_inp.weight', [64, 8])), 'expert router (ffn_gate_inp)');
    assert.equal(t.notPlanned(gguf('blk.0.attn_q.weight', [64, 64])), null);
    assert.equal(t.groupOf(gguf('blk.0.attn_q.weight', [64, 64])), null);
  });

  it('modelopt: nn.Linear weights but its disabled quantizers; q/k/v, gate/up and a layer\'s experts share a format', () => {
    const t = PLAN_TARGETS.modelopt;
    assert.equal(t.notPlanned(hf('model.layers.0.self_attn.q_proj.weight', [64, 64])), null);
    assert.match(t.notPlanned(hf('lm_head.weight', [100, 64]))!, /\*lm_head\*/);
    assert.match(t.notPlanned(hf('model.layers.0.mlp.gate.weight', [8, 64]))!, /MoE router \(\*mlp\.gate\.\*\)/);
    assert.equal(t.notPlanned(hf('model.layers.0.mlp.gate_proj.weight', [128, 64])), null);
    assert.match(t.notPlanned(hf('model.embed_tokens.weight', [100, 64]))!, /embedding/);
    assert.match(t.notPlanned(hf('model.norm.weight', [64]))!, /not a 2-D weight/);
    assert.match(t.notPlanned(hf('model.layers.0.self_attn.q_proj.bias', [64]))!, /not a weight/);
    const group = (name: string) => t.groupOf(hf(name, [64, 64]));
    assert.equal(group('model.layers.0.self_attn.q_proj.weight'), group('model.layers.0.self_attn.v_proj.weight'));
    assert.notEqual(group('model.layers.0.self_attn.q_proj.weight'), group('model.layers.1.self_attn.q_proj.weight'));
    assert.equal(group('model.layers.0.self_attn.o_proj.weight'), null);
    assert.equal(group('model.layers.0.mlp.gate_proj.weight'), group('model.layers.0.mlp.up_proj.weight'));
    assert.notEqual(group('model.layers.0.mlp.gate_proj.weight'), group('model.layers.0.self_attn.q_proj.weight'));
    assert.equal(group('model.layers.0.mlp.down_proj.weight'), null);
    const expert = group('model.layers.2.mlp.experts.0.gate_proj.weight');
    assert.ok(expert);
    assert.equal(group('model.layers.2.mlp.experts.7.down_proj.weight'), expert);
    assert.notEqual(group('model.layers.3.mlp.experts.0.gate_proj.weight'), expert);
    assert.equal(group('model.layers.1.block_sparse_moe.experts.3.w2.weight'), group('model.layers.1.block_sparse_moe.experts.0.w1.weight'));
  });

  it('onnxruntime: only MatMul / Gemm weights; MatMulNBits blocks along K only on MatMul', () => {
    const t = PLAN_TARGETS.onnxruntime;
    const b = (op: string, input = 1): PlanTensor => ({ name: 'w', ne: [256, 32], numel: 8192, type: 'F32', bytes: 32768, consumer: { node: 'n', op, input, channelAxis: 1 } });
    assert.match(t.notPlanned({ ...b('MatMul'), consumer: undefined } as PlanTensor)!, /MatMul or Gemm/);
    assert.match(t.notPlanned(b('Conv'))!, /MatMul or Gemm/);
    assert.match(t.notPlanned(b('MatMul', 0))!, /MatMul or Gemm/);
    assert.equal(t.notPlanned(b('MatMul')), null);
    const int4 = t.parseCandidate('int4_g128_asym');
    const int8 = t.parseCandidate('int8_ch');
    // K = 256: 2 blocks per column, 128 bytes of nibbles, 2 float32 scales, 1 byte of packed zero points
    assert.equal(t.bytesOf(int4, b('MatMul')), 32 * (128 + 8 + 1));
    assert.equal(t.bytesOf(int4, b('Gemm')), null);
    assert.equal(t.bytesOf(int8, b('Gemm')), 32 * (256 + 4 + 1));
    assert.equal(t.bytesOf(t.parseCandidate('int4_g256'), { ...b('MatMul'), ne: [192, 32], numel: 6144 }), null);
  });

  it('torchao and llm-compressor leave lm_head; llm-compressor keeps vLLM\'s fused layers together', () => {
    for (const name of ['torchao', 'llm-compressor'] as const) {
      assert.match(PLAN_TARGETS[name].notPlanned(hf('lm_head.weight', [100, 64]))!, /lm_head/);
      assert.equal(PLAN_TARGETS[name].notPlanned(hf('model.layers.0.mlp.down_proj.weight', [64, 128])), null);
    }
    assert.equal(PLAN_TARGETS.torchao.groupOf(hf('model.layers.0.self_attn.q_proj.weight', [64, 64])), null);
    const lc = PLAN_TARGETS['llm-compressor'];
    assert.equal(lc.groupOf(hf('model.layers.0.self_attn.k_proj.weight', [64, 64])), lc.groupOf(hf('model.layers.0.self_attn.q_proj.weight', [64, 64])));
  });
});
