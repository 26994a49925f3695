import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { openModel } from '../../../src/core/formats/registry';
import { blockSizeOf, candidateBytes, candidateName, rowFits, typeBytes, type Candidate } from '../../../src/core/plan/costModel';
import type { PlanTensor, PlanType } from '../../../src/core/plan/planTypes';
import { EXPECTED, GGUF_FIXTURES, PLAN_FIXTURES } from './expectedPlans';

const tensor = (ne: number[], bytes: number, type: PlanTensor['type'] = 'F16'): PlanTensor => ({ name: 't', ne, numel: ne.reduce((a, b) => a * b, 1), type, bytes });

describe('plan cost model', () => {
  it('prices every tensor llama-quantize wrote exactly as gguf-py measured it', async () => {
    // the expected bytes come from gguf-py's own block-size table, not from this code
    let checked = 0;
    for (const file of GGUF_FIXTURES) {
      const model = await openModel([path.join(PLAN_FIXTURES, file)]);
      const ne = new Map(model.tensors.map((t) => [t.name, [...t.shape].reverse()]));
      await model.close();
      for (const run of Object.values(EXPECTED.fixtures[file]!.presets)) {
        if ('error' in run) continue;
        for (const t of run.tensors) {
          assert.equal(typeBytes(t.type as PlanType, ne.get(t.name)!), t.bytes, `${file} ${t.name} as ${t.type}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 1000, `${checked} tensors checked`);
  });

  it('counts whole blocks per row, and refuses rows that are not', () => {
    assert.equal(blockSizeOf('Q4_K'), 256);
    assert.equal(blockSizeOf('BF16'), 1);
    assert.ok(rowFits('Q4_0', 64));
    assert.ok(!rowFits('Q4_K', 64));
    assert.equal(typeBytes('F32', [3, 5, 2]), 4 * 30);
    assert.equal(typeBytes('Q8_0', [64, 10]), 10 * 2 * 34); // block_q8_0: fp16 scale + 32 int8
    assert.throws(() => typeBytes('Q6_K', [64, 1]), /not a whole number of Q6_K blocks/);
  });

  it('prices candidates: keep is the stored size, a misfit type is null', () => {
    const t = tensor([96, 4], 768);
    assert.equal(candidateBytes({ kind: 'keep' }, t), 768);
    assert.equal(candidateBytes({ kind: 'ggml', type: 'Q4_K' }, t), null);
    assert.equal(candidateBytes({ kind: 'ggml', type: 'Q4_0' }, t), 4 * 3 * 18);
    assert.equal(candidateBytes({ kind: 'float', type: 'BF16' }, t), 768);
  });

  it('prices int-k groups with their scales and zero points, per row', () => {
    const asym: Candidate = { kind: 'int', bits: 4, group: 128, scale: 'source', zero: 'packed', convention: 'matmulnbits' };
    // a row of 256: 128 bytes of nibbles, 2 fp16 scales, 2 zero points packed in 1 byte
    assert.equal(candidateBytes(asym, tensor([256, 2], 1024)), 2 * (128 + 2 * 2 + 1));
    // the same over a float32 tensor: float32 scales
    assert.equal(candidateBytes(asym, tensor([256, 2], 2048, 'F32')), 2 * (128 + 2 * 4 + 1));
    assert.equal(candidateBytes(asym, tensor([192, 2], 768)), null);
    // torchao tinygemm: a bf16 scale and a bf16 zero per group of 32
    assert.equal(candidateBytes({ kind: 'int', bits: 4, group: 32, scale: 'BF16', zero: 'scale', convention: 'tinygemm' }, tensor([64, 2], 256)), 2 * (32 + 2 * 2 + 2 * 2));
    // QDQ int8: a float32 scale and an int8 zero point per channel, or one of each per tensor
    assert.equal(candidateBytes({ kind: 'int', bits: 8, group: 'channel', scale: 'source', zero: 'byte', convention: 'qdq' }, tensor([10, 3], 120, 'F32')), 3 * (10 + 4 + 1));
    assert.equal(candidateBytes({ kind: 'int', bits: 8, group: 'tensor', scale: 'F32', zero: 'byte', convention: 'qdq' }, tensor([10, 3], 60)), 30 + 4 + 1);
  });

  it('prices the 4-bit float formats and FP8 with their scales', () => {
    const t = tensor([64, 3], 384);
    // NVFP4: per 16 values 8 bytes + 1 E4M3 scale, and one float32 per tensor
    assert.equal(candidateBytes({ kind: 'nvfp4' }, t), 3 * 4 * 9 + 4);
    assert.equal(candidateBytes({ kind: 'nvfp4' }, tensor([24, 3], 144)), null);
    // MXFP4: per 32 values 16 bytes + 1 E8M0 scale
    assert.equal(candidateBytes({ kind: 'mxfp4' }, t), 3 * 2 * 17);
    // bitsandbytes NF4 over 130 values: 65 bytes of codes, 3 float32 absmax, the 16-entry float32 code table
    const flat = tensor([130, 1], 260);
    assert.equal(candidateBytes({ kind: 'bnb4', codebook: 'nf4', doubleQuant: false }, flat), 65 + 3 * 4 + 64);
    // double quant: uint8 absmax per block, one float32 absmax per 256 blocks, the 256-entry code
    assert.equal(candidateBytes({ kind: 'bnb4', codebook: 'nf4', doubleQuant: true }, flat), 65 + 64 + 3 + 4 + 1024);
    assert.equal(candidateBytes({ kind: 'fp8', scale: 'tensor', scaleType: 'F32' }, t), 192 + 4);
    assert.equal(candidateBytes({ kind: 'fp8', scale: 'channel', scaleType: 'source' }, tensor([8, 3], 48, 'BF16')), 24 + 3 * 2);
  });

  it('names candidates as plans show them', () => {
    const names = ([
      { kind: 'ggml', type: 'Q4_K' }, { kind: 'float', type: 'BF16' }, { kind: 'keep' },
      { kind: 'int', bits: 4, group: 128, scale: 'F16', zero: 'packed', convention: 'matmulnbits' }, { kind: 'int', bits: 8, group: 'channel', scale: 'F32', zero: 'none', convention: 'modelopt' },
      { kind: 'int', bits: 8, group: 'tensor', scale: 'F32', zero: 'byte', convention: 'qdq' }, { kind: 'bnb4', codebook: 'fp4', doubleQuant: true },
      { kind: 'nvfp4' }, { kind: 'mxfp4' }, { kind: 'fp8', scale: 'tensor', scaleType: 'F32' }, { kind: 'fp8', scale: 'channel', scaleType: 'F32' },
    ] as Candidate[]).map(candidateName);
    assert.deepEqual(names, ['Q4_K', 'BF16', 'keep', 'int4_g128_asym', 'int8_ch', 'int8_tensor', 'fp4_dq', 'nvfp4', 'mxfp4', 'fp8', 'fp8_ch']);
  });
});
