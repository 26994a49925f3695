import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { openModel } from '../../../src/core/formats/registry';
import { blockSizeOf, candidateBytes, rowFits, typeBytes } from '../../../src/core/plan/costModel';
import type { PlanTensor, PlanType } from '../../../src/core/plan/planTypes';
import { EXPECTED, GGUF_FIXTURES, PLAN_FIXTURES } from './expectedPlans';

const tensor = (ne: number[], bytes: number): PlanTensor => ({ name: 't', ne, numel: ne.reduce((a, b) => a * b, 1), type: 'F16', bytes });

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
});
