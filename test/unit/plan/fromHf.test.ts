import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { openLlamaModel } from '../../../src/core/plan/llamaCpp/openLlamaModel';
import type { LlamaModelFacts } from '../../../src/core/plan/llamaCpp/modelFacts';
import { planLlamaCppPreset, type LlamaModel } from '../../../src/core/plan/llamaCpp/planPreset';
import { assertSameAsDryRun, assertSameAsQuantize, EXPECTED, PLAN_FIXTURES } from './expectedPlans';

/** The hparams each Hugging Face fixture's config.json gives (scripts/fixtures/fixtures_plan.py). */
const FACTS: Readonly<Record<string, LlamaModelFacts>> = {
  'hf-llama': { architecture: 'llama', nLayer: 2, nHead: 4, nHeadKv: 1, nExpert: 0 },
  'hf-mixtral': { architecture: 'llama', nLayer: 1, nHead: 4, nHeadKv: 1, nExpert: 8 },
};

for (const [folder, facts] of Object.entries(FACTS)) {
  describe(`plan from a Hugging Face model (${folder}): as llama-quantize on what convert_hf_to_gguf.py wrote`, () => {
    const expected = EXPECTED.fixtures[folder]!;
    let model: LlamaModel;
    before(async () => {
      model = await openLlamaModel([path.join(PLAN_FIXTURES, folder)]);
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
      assert.deepEqual(model.facts, facts);
    });

    for (const [preset, written] of Object.entries(expected.presets)) {
      it(preset, () => assertSameAsQuantize(() => planLlamaCppPreset(model, { preset }), written, `${folder} ${preset}`));
    }
    for (const [preset, dry] of Object.entries(expected.dryRun)) {
      it(`${preset} (types as --dry-run reports them)`, () => assertSameAsDryRun(() => planLlamaCppPreset(model, { preset }), dry, `${folder} ${preset}`));
    }
    for (const [preset, written] of Object.entries(expected.pure)) {
      it(`${preset} --pure`, () => assertSameAsQuantize(() => planLlamaCppPreset(model, { preset, pure: true }), written, `${folder} ${preset} --pure`));
    }
  });
}
