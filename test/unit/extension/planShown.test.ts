import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { openLlamaModel } from '../../../src/core/plan/llamaCpp/openLlamaModel';
import type { LlamaModel } from '../../../src/core/plan/llamaCpp/planPreset';
import { applicablePresets, defaultPreset, shownPlan } from '../../../src/extension/planShown';
import { EXPECTED, PLAN_FIXTURES } from '../plan/expectedPlans';

const FIXTURE = 'llama-gqa.gguf';

describe('extension: the Plan tab\'s plans (planShown)', () => {
  let model: LlamaModel;
  before(async () => {
    model = await openLlamaModel([path.join(PLAN_FIXTURES, FIXTURE)]);
  });

  it('shows a preset as llama-quantize wrote it: every tensor in the model\'s order, with its type, bytes, role and layer', () => {
    const plan = applicablePresets(model, false).get('Q4_K_M');
    assert.ok(plan);
    const shown = shownPlan('Q4_K_M', plan);
    const written = EXPECTED.fixtures[FIXTURE]!.presets['Q4_K_M']!;
    assert.ok('tensors' in written);
    const byName = new Map(written.tensors.map((t) => [t.name, t]));
    assert.equal(shown.rows.length, written.tensors.length);
    for (const row of shown.rows) {
      assert.equal(row.type, byName.get(row.name)?.type, row.name);
      assert.equal(row.bytes, byName.get(row.name)?.bytes, row.name);
    }
    assert.equal(shown.totalBytes, written.totalBytes);
    assert.deepEqual(shown.rows.map((r) => r.name), model.tensors.map((t) => t.name));
    const down = shown.rows.find((r) => r.name === 'blk.1.ffn_down.weight');
    assert.deepEqual([down?.role, down?.layer], ['ffn_down', 1]);
    const embd = shown.rows.find((r) => r.name === 'token_embd.weight');
    assert.deepEqual([embd?.role, embd?.layer], ['token_embd', null]);
    assert.ok(shown.rows.every((r) => r.relErr === null && r.damage === null), 'no errors before they are computed');
  });

  it('offers the presets llama-quantize applies without an importance matrix, Q4_K_M first choice', () => {
    const presets = [...applicablePresets(model, false).keys()];
    for (const p of ['Q2_K', 'Q4_K_M', 'Q6_K', 'Q8_0', 'F16', 'BF16', 'IQ4_NL']) assert.ok(presets.includes(p), p);
    // IQ2_XXS needs an imatrix; F32 widens everything.
    for (const p of ['IQ2_XXS', 'IQ1_S', 'F32']) assert.ok(!presets.includes(p), p);
    assert.ok([...applicablePresets(model, true).keys()].includes('IQ2_XXS'));
    assert.equal(defaultPreset(presets), 'Q4_K_M');
    assert.equal(defaultPreset(['Q8_0', 'F16']), 'Q8_0');
    assert.equal(defaultPreset([]), null);
  });

  it('a model llama-quantize will not convert (stored as F64) says why', () => {
    const quantized: LlamaModel = { ...model, tensors: model.tensors.map((t) => (t.ne.length === 2 ? { ...t, type: 'F64' as const } : t)) };
    assert.throws(() => applicablePresets(quantized, false), /converts from F32, F16 or BF16/);
  });
});
