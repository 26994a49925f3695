import * as path from 'node:path';
import { openModel } from '../../../src/core/formats/registry';
import { llamaModelFromGguf } from '../../../src/core/plan/llamaCpp/fromGguf';
import { planLlamaCppPreset, type LlamaModel, type LlamaPresetOptions } from '../../../src/core/plan/llamaCpp/planPreset';
import { assertSameAsDryRun, assertSameAsQuantize, EXPECTED, GGUF_FIXTURES, PLAN_FIXTURES, type QuantizeRun } from './expectedPlans';

async function loadGguf(file: string): Promise<LlamaModel> {
  const model = await openModel([path.join(PLAN_FIXTURES, file)]);
  try {
    return llamaModelFromGguf(model);
  } finally {
    await model.close();
  }
}

describe(`plan --target llama.cpp --preset: equal to ${EXPECTED.tool} on every fixture`, () => {
  for (const file of GGUF_FIXTURES) {
    const expected = EXPECTED.fixtures[file]!;
    describe(file, () => {
      let model: LlamaModel;
      before(async () => {
        model = await loadGguf(file);
      });
      const check = (options: LlamaPresetOptions, written: QuantizeRun, label: string) =>
        it(label, () => assertSameAsQuantize(() => planLlamaCppPreset(model, options), written, `${file} ${label}`));
      for (const [preset, written] of Object.entries(expected.presets)) check({ preset }, written, preset);
      for (const [preset, written] of Object.entries(expected.pure)) check({ preset, pure: true }, written, `${preset} --pure`);
      for (const [preset, written] of Object.entries(expected.imatrix ?? {})) check({ preset, hasImatrix: true }, written, `${preset} --imatrix`);
      for (const [preset, dry] of Object.entries(expected.dryRun)) {
        it(`${preset} (types as --dry-run reports them)`, () => assertSameAsDryRun(() => planLlamaCppPreset(model, { preset }), dry, `${file} ${preset}`));
      }
    });
  }
});
