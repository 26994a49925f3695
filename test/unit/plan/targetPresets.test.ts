import * as assert from 'node:assert/strict';
import { UsageError } from '../../../src/core/errors';
import { candidateBytes } from '../../../src/core/plan/costModel';
import { PLAN_TARGETS } from '../../../src/core/plan/targets';
import { openTargetModel } from '../../../src/core/plan/targets/openTargetModel';
import { planTargetPreset, TARGET_PRESETS } from '../../../src/core/plan/targets/presets';
import { suiteTempDir } from '../helpers/tempDir';
import { HF_LLAMA, HF_MIXTRAL, MLP_ONNX, writeMatMulMlp } from './targetModels';

describe('stock presets of the other targets', () => {
  const tmp = suiteTempDir('quantlens-target-presets-');

  it('every preset names a candidate of its target', () => {
    for (const [target, presets] of Object.entries(TARGET_PRESETS)) {
      for (const [name, preset] of Object.entries(presets)) {
        assert.doesNotThrow(() => PLAN_TARGETS[target as keyof typeof TARGET_PRESETS].parseCandidate(preset.candidate), `${target} ${name}`);
      }
    }
  });

  it('modelopt NVFP4_DEFAULT_CFG on a Hugging Face LLaMA: every nn.Linear NVFP4, embeddings and norms kept, sizes summed', async () => {
    const tensors = await openTargetModel([HF_LLAMA]);
    const plan = planTargetPreset(PLAN_TARGETS.modelopt, tensors, 'NVFP4_DEFAULT_CFG');
    assert.equal(plan.target, 'modelopt');
    for (const [i, t] of plan.tensors.entries()) {
      const source = tensors[i]!;
      if (/_proj\.weight$/.test(t.name)) {
        assert.equal(t.type, 'nvfp4', t.name);
        // the weight's own tensors, and the float32 input_scale of NVFP4's calibrated input quantizer
        assert.equal(t.bytes, candidateBytes({ kind: 'nvfp4' }, source)! + 4);
        // [out, in] BF16: in / 2 bytes of codes + in / 16 FP8 scales per row, weight_scale_2 and input_scale float32
        const [inFeatures, out] = source.ne as [number, number];
        assert.equal(t.bytes, out * (inFeatures / 2 + inFeatures / 16) + 4 + 4);
      } else {
        assert.deepEqual([t.type, t.bytes, t.candidate.kind], [source.type, source.bytes, 'keep'], t.name);
      }
    }
    assert.match(plan.tensors.find((t) => t.name === 'model.embed_tokens.weight')!.reason, /embedding/);
    assert.equal(plan.totalBytes, plan.tensors.reduce((n, t) => n + t.bytes, 0));
    assert.equal(plan.bitsPerWeight, (8 * plan.totalBytes) / plan.totalValues);
  });

  it('modelopt keeps the MoE router and lm_head of a Mixtral; llm-compressor only lm_head', async () => {
    const tensors = await openTargetModel([HF_MIXTRAL]);
    const modelopt = planTargetPreset(PLAN_TARGETS.modelopt, tensors, 'FP8_DEFAULT_CFG');
    const type = (plan: typeof modelopt, name: string) => plan.tensors.find((t) => t.name === name)!.type;
    assert.equal(type(modelopt, 'model.layers.0.block_sparse_moe.gate.weight'), 'BF16');
    assert.equal(type(modelopt, 'lm_head.weight'), 'BF16');
    assert.equal(type(modelopt, 'model.layers.0.block_sparse_moe.experts.0.w1.weight'), 'fp8');
    const lc = planTargetPreset(PLAN_TARGETS['llm-compressor'], tensors, 'W8A8');
    assert.equal(type(lc, 'lm_head.weight'), 'BF16');
    assert.equal(type(lc, 'model.layers.0.block_sparse_moe.gate.weight'), 'int8_ch');
  });

  it('an unknown preset: a UsageError listing the valid ones', async () => {
    assert.throws(() => planTargetPreset(PLAN_TARGETS.modelopt, [], 'NVFP5'), (e: unknown) => e instanceof UsageError && /unknown modelopt preset 'NVFP5' \(one of NVFP4_DEFAULT_CFG, FP8_DEFAULT_CFG, INT4_AWQ_CFG, W4A8_AWQ_BETA_CFG/.test(e.message));
  });

  it('ONNX: Gemm weights are [N, K] read transposed; MatMulNBits applies to MatMul weights only, QDQ int8 to both', async () => {
    const gemm = await openTargetModel([MLP_ONNX]);
    const fc1 = gemm.find((t) => t.name === 'fc1.weight')!;
    assert.deepEqual(fc1.ne, [784, 256]);
    assert.equal(fc1.consumer?.op, 'Gemm');
    const qdq = planTargetPreset(PLAN_TARGETS.onnxruntime, gemm, 'QDQ_QInt8_per_channel');
    // per output channel: 784 int8 values, a float32 scale, an int8 zero point
    assert.equal(qdq.tensors.find((t) => t.name === 'fc1.weight')!.bytes, 256 * (784 + 4 + 1));
    assert.match(qdq.tensors.find((t) => t.name === 'fc1.bias')!.reason, /not the weight initializer/);
    assert.match(planTargetPreset(PLAN_TARGETS.onnxruntime, gemm, 'MatMulNBits').tensors[0]!.reason, /MatMulNBits replaces MatMul nodes only \(Gemm/);

    // the same graph with fc2 a MatMul: B [K, N] = [64, 256] as stored (K = 64)
    const { file, fc2Node } = writeMatMulMlp(tmp());
    const matmul = await openTargetModel([file]);
    const fc2 = matmul.find((t) => t.name === 'fc2.weight')!;
    assert.deepEqual([fc2.ne, fc2.consumer], [[64, 256], { node: fc2Node, op: 'MatMul', input: 1, channelAxis: 1 }]);
    const ort = PLAN_TARGETS.onnxruntime;
    // 256 columns of K = 64: 32 bytes of nibbles, 2 float32 scales, 2 zero points in 1 byte
    assert.equal(ort.bytesOf(ort.parseCandidate('int4_g32_asym'), fc2), 256 * (32 + 8 + 1));
    assert.match(ort.whyNot(ort.parseCandidate('int4_g128'), fc2)!, /a row of 64 values is not a whole number of int4_g128's groups/);
  });
});
