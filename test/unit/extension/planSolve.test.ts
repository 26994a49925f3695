import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { candidateName } from '../../../src/core/plan/costModel';
import type { ErrorTable } from '../../../src/core/plan/errors/errorTable';
import { openLlamaModel } from '../../../src/core/plan/llamaCpp/openLlamaModel';
import type { LlamaModel } from '../../../src/core/plan/llamaCpp/planPreset';
import { PLAN_TARGETS } from '../../../src/core/plan/targets';
import { applicablePresets } from '../../../src/extension/planShown';
import { budgetLabel, planAt, solveModel } from '../../../src/extension/planSolve';
import { PLAN_FIXTURES } from '../plan/expectedPlans';

const TARGET = PLAN_TARGETS['llama.cpp'];

describe('extension: the Plan tab\'s errors and solver', () => {
  describe('on llama-gqa.gguf with errors growing as bits shrink', () => {
    let model: LlamaModel;
    let errors: ErrorTable;
    before(async () => {
      model = await openLlamaModel([path.join(PLAN_FIXTURES, 'llama-gqa.gguf')]);
      const bits: Record<string, number> = { Q2_K: 2.6, Q3_K: 3.4, Q4_0: 4.5, Q4_1: 5, Q4_K: 4.5, Q5_0: 5.5, Q5_1: 6, Q5_K: 5.5, Q6_K: 6.6, Q8_0: 8.5, IQ4_NL: 4.5, IQ4_XS: 4.25, F16: 16, BF16: 16, F32: 32 };
      const relErr: Record<string, Record<string, number>> = {};
      model.tensors.forEach((t, i) => {
        // Tensors differ in how much each bit buys, so the solver has choices to make.
        relErr[t.name] = Object.fromEntries(Object.entries(bits).map(([type, b]) => [type, (1 + (i % 5)) * 2 ** -b]));
      });
      errors = { weighted: false, relErr };
    });

    it('gives a front, presets priced on it, and the budget range; any budget re-solves within it, more bytes less damage', () => {
      const presets = applicablePresets(model, false);
      const solved = solveModel(model, presets, TARGET.defaultCandidates, errors, TARGET);
      assert.ok(solved.front.length >= 2);
      assert.ok(solved.front.every((p, i) => i === 0 || (p.bytes > solved.front[i - 1]!.bytes && p.damage <= solved.front[i - 1]!.damage)), 'smaller first, damage falling');
      assert.ok(solved.presets.has('Q4_K_M') && solved.presets.has('Q8_0'));
      assert.ok(!solved.presets.has('MXFP4_MOE') || solved.presets.get('MXFP4_MOE')!.predictedDamage >= 0);
      const { minBytes, maxBytes } = solved.range;
      assert.ok(minBytes < maxBytes);
      const started = performance.now();
      const low = planAt(solved, 'bytes', minBytes + (maxBytes - minBytes) / 4);
      const high = planAt(solved, 'bytes', minBytes + (3 * (maxBytes - minBytes)) / 4);
      assert.ok(performance.now() - started < 1000);
      assert.ok(low.totalBytes <= minBytes + (maxBytes - minBytes) / 4);
      assert.ok(high.predictedDamage < low.predictedDamage);
      const bpw = planAt(solved, 'bpw', high.bitsPerWeight);
      assert.ok(bpw.totalBytes <= high.totalBytes + 1);
      assert.ok(TARGET.defaultCandidates.map(candidateName).includes(high.tensors.find((t) => t.name === 'blk.0.attn_q.weight')!.type));
      assert.throws(() => planAt(solved, 'bytes', minBytes - 1), /below the smallest plan/);
    });
  });

  it('labels a budget plan by its budget', () => {
    assert.equal(budgetLabel('bpw', 4.8), '4.80 bpw plan');
    assert.equal(budgetLabel('bytes', 5e6), '5,000,000 bytes plan');
  });
});
