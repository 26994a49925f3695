import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { openModel } from '../../../src/core/formats/registry';
import { llamaModelFromGguf } from '../../../src/core/plan/llamaCpp/fromGguf';
import { planLlamaCppPreset, type LlamaModel, type LlamaPresetOptions } from '../../../src/core/plan/llamaCpp/planPreset';
import type { Plan } from '../../../src/core/plan/planTypes';
import { EXPECTED, GGUF_FIXTURES, PLAN_FIXTURES, type QuantizeRun } from './expectedPlans';

async function loadGguf(file: string): Promise<LlamaModel> {
  const model = await openModel([path.join(PLAN_FIXTURES, file)]);
  try {
    return llamaModelFromGguf(model);
  } finally {
    await model.close();
  }
}

/** The plan equals what llama-quantize wrote: same tensors, each with the same type and bytes; or both fail. */
export function assertSameAsQuantize(plan: () => Plan, written: QuantizeRun, what: string): void {
  if ('error' in written) {
    // llama-quantize's own message when no fallback exists; with --pure it aborts on the misfit row
    const expected = /no tensor type fallback/.test(written.error) ? written.error : 'not a whole number of its blocks';
    assert.throws(plan, (e: Error) => e.message.includes(expected), `${what}: llama-quantize failed (${written.error}), the plan must too`);
    return;
  }
  const p = plan();
  const planned = new Map(p.tensors.map((t) => [t.name, t]));
  assert.deepEqual([...planned.keys()].sort(), written.tensors.map((t) => t.name).sort(), `${what}: tensor names`);
  for (const t of written.tensors) {
    const got = planned.get(t.name)!;
    assert.equal(got.type, t.type, `${what}: ${t.name} type (${got.reason})`);
    assert.equal(got.bytes, t.bytes, `${what}: ${t.name} bytes`);
  }
  assert.equal(p.totalBytes, written.totalBytes, `${what}: total bytes`);
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
    });
  }
});
