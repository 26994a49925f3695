import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { openLlamaModel } from '../../../src/core/plan/llamaCpp/openLlamaModel';
import { planLlamaCppPreset, type LlamaModel } from '../../../src/core/plan/llamaCpp/planPreset';
import { assertSameAsDryRun, assertSameAsQuantize, EXPECTED, PLAN_FIXTURES } from './expectedPlans';

const HF = path.join(PLAN_FIXTURES, 'hf-llama');
const expected = EXPECTED.fixtures['hf-llama']!;

describe('plan from a Hugging Face model: as llama-quantize on what convert_hf_to_gguf.py wrote', () => {
  let model: LlamaModel;
  before(async () => {
    model = await openLlamaModel([HF]);
  });

  it('sees the tensors the converter wrote: names, types and bytes', () => {
    const seen = new Map(model.tensors.map((t) => [t.name, t]));
    assert.deepEqual([...seen.keys()].sort(), expected.converted!.map((t) => t.name).sort());
    for (const t of expected.converted!) {
      assert.equal(seen.get(t.name)!.type, t.type, t.name);
      assert.equal(seen.get(t.name)!.bytes, t.bytes, t.name);
    }
  });

  it('reads the hparams from config.json', () => {
    assert.deepEqual(model.facts, { architecture: 'llama', nLayer: 2, nHead: 4, nHeadKv: 1, nExpert: 0 });
  });

  for (const [preset, written] of Object.entries(expected.presets)) {
    it(preset, () => assertSameAsQuantize(() => planLlamaCppPreset(model, { preset }), written, `hf-llama ${preset}`));
  }
  for (const [preset, dry] of Object.entries(expected.dryRun)) {
    it(`${preset} (types as --dry-run reports them)`, () => assertSameAsDryRun(() => planLlamaCppPreset(model, { preset }), dry, `hf-llama ${preset}`));
  }
  for (const [preset, written] of Object.entries(expected.pure)) {
    it(`${preset} --pure`, () => assertSameAsQuantize(() => planLlamaCppPreset(model, { preset, pure: true }), written, `hf-llama ${preset} --pure`));
  }
});
