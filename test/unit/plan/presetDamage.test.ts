import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { run } from '../cli/run';
import { suiteTempDir } from '../helpers/tempDir';
import { PLAN_FIXTURES } from './expectedPlans';

interface PlanJson {
  preset: string | null;
  weighted: boolean | null;
  tensors: { name: string; type: string; bytes: number; predicted: { relErr: number; sqnrDb: number | null; damage: number } | null }[];
  totalBytes: number;
  predictedDamage: number | null;
  unpredicted?: string | null;
  presets?: { preset: string; totalBytes: number; predictedDamage: number }[];
}

const GQA = path.join(PLAN_FIXTURES, 'llama-gqa.gguf');
const GQA_IMATRIX = path.join(PLAN_FIXTURES, 'imatrix', 'llama-gqa.imatrix.gguf');
const HF_LLAMA = path.join(PLAN_FIXTURES, 'hf-llama', 'model.safetensors');

describe('plan --preset: predicted damage from the errors a budget plan uses', function () {
  this.timeout(120_000);
  const cache = suiteTempDir('quantlens-preset-damage-');

  const plan = async (...args: string[]): Promise<PlanJson> => {
    const r = await run('plan', ...args, '--cache', cache(), '--json');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as PlanJson;
  };

  const assertSummed = (p: PlanJson): void => {
    const sum = p.tensors.reduce((d, t) => d + t.predicted!.damage, 0);
    assert.ok(p.predictedDamage !== null && p.predictedDamage > 0, `${p.predictedDamage}`);
    assert.ok(Math.abs(sum - p.predictedDamage) <= 1e-12 * p.predictedDamage, `${sum} vs ${p.predictedDamage}`);
  };

  it('Q8_0 equals the solver over q8_0 alone at its size: the same assignment, the same damage', async () => {
    const preset = await plan(GQA, '--preset', 'Q8_0');
    assertSummed(preset);
    // over one candidate every unit has one option (Q8_0 or its fallback): the solver's plan is the preset's
    const solved = await plan(GQA, '--budget-bytes', String(preset.totalBytes), '--candidates', 'q8_0');
    assert.deepEqual(solved.tensors.map((t) => t.type), preset.tensors.map((t) => t.type));
    assert.equal(preset.predictedDamage, solved.predictedDamage);
    assert.deepEqual(preset.tensors.map((t) => t.predicted), solved.tensors.map((t) => t.predicted));
  });

  for (const [label, file, extra, presetName] of [
    ['Q4_K_M, imatrix-weighted', GQA, ['--imatrix', GQA_IMATRIX], 'Q4_K_M'],
    ['Q4_K_M on a Hugging Face model', path.join(PLAN_FIXTURES, 'hf-llama'), ['--target', 'llama.cpp'], 'Q4_K_M'],
    ['modelopt NVFP4_DEFAULT_CFG', HF_LLAMA, ['--target', 'modelopt'], 'NVFP4_DEFAULT_CFG'],
    ['torchao Int4WeightOnlyConfig', HF_LLAMA, ['--target', 'torchao'], 'Int4WeightOnlyConfig'],
  ] as const) {
    it(`${label}: equals the damage the budget plan predicts for that preset`, async () => {
      const preset = await plan(file, '--preset', presetName, ...extra);
      assertSummed(preset);
      assert.equal(preset.weighted, (extra as readonly string[]).includes('--imatrix'));
      const budget = await plan(file, '--budget-bpw', '16', '--presets', presetName, ...extra);
      const priced = budget.presets!.find((p) => p.preset === presetName)!;
      assert.equal(priced.totalBytes, preset.totalBytes);
      assert.equal(priced.predictedDamage, preset.predictedDamage);
    });
  }

  it('the text output ends with the predicted damage', async () => {
    const r = await run('plan', GQA, '--preset', 'Q6_K', '--cache', cache());
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\npredicted damage \d\.\d{3}e-\d+ \(unweighted errors\)\n/);
  });

  it('null, and why, for a type without a quantizer here, and with --no-predict', async () => {
    const iq = await plan(GQA, '--preset', 'IQ2_XXS', '--imatrix', GQA_IMATRIX);
    assert.equal(iq.predictedDamage, null);
    assert.match(iq.unpredicted!, /^blk\.0\.attn_q\.weight is IQ2_XXS: no reference quantizer for IQ2_XXS here$/);
    assert.ok(iq.tensors.every((t) => t.predicted === null));
    const skipped = await plan(GQA, '--preset', 'Q4_K_M', '--no-predict');
    assert.equal(skipped.predictedDamage, null);
    assert.match(skipped.unpredicted!, /--no-predict/);
    const r = await run('plan', GQA, '--budget-bpw', '6', '--no-predict');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--no-predict is for --preset/);
  });
});
