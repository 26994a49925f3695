import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { openLlamaModel } from '../../../src/core/plan/llamaCpp/openLlamaModel';
import { planLlamaCppPreset } from '../../../src/core/plan/llamaCpp/planPreset';
import { run } from '../cli/run';
import { assertSameAsQuantize, PLAN_FIXTURES, type QuantizeRun } from './expectedPlans';

/** What the real llama-quantize wrote for a GGUF holding the bundled sample's tensors (scripts/fixtures/fixtures_plan_generic.py). */
const GENERIC = JSON.parse(readFileSync(path.join(PLAN_FIXTURES, 'generic', 'expected.json'), 'utf8')) as {
  readonly presets: Readonly<Record<string, QuantizeRun>>;
  readonly pure: Readonly<Record<string, QuantizeRun>>;
};
const SAMPLE = path.join(__dirname, '..', '..', '..', 'samples', 'mlp');

describe('plan: a model of unknown architecture under llama-quantize\'s generic rules', () => {
  // the sample's own files (no config.json; a PyTorch file), and the GGUF llama-quantize was run on
  for (const file of ['model.safetensors', 'model.pt', path.join('..', '..', 'test', 'fixtures', 'plan', 'generic', 'generic.gguf')]) {
    it(`${path.basename(file)}: every preset equals llama-quantize's file, tensor by tensor`, async () => {
      const model = await openLlamaModel([path.join(SAMPLE, file)]);
      assert.equal(model.generic !== undefined, !file.endsWith('.gguf'));
      for (const [preset, written] of Object.entries(GENERIC.presets)) {
        assertSameAsQuantize(() => planLlamaCppPreset(model, { preset }), written, `${file} ${preset}`);
      }
      for (const [preset, written] of Object.entries(GENERIC.pure)) {
        assertSameAsQuantize(() => planLlamaCppPreset(model, { preset, pure: true }), written, `${file} ${preset} --pure`);
      }
    });
  }

  it('says the architecture is unknown and the generic rules apply, in text and JSON; ONNX initializers too', async () => {
    const text = await run('plan', path.join(SAMPLE, 'model.safetensors'), '--target', 'llama.cpp', '--preset', 'Q4_K_M');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /architecture unknown \(no config\.json beside the weights\): llama-quantize's generic rules/);
    assert.match(text.stdout, /fc1\.weight\s+F16\s+401,408\s+Q4_K\s+.*-> F16/);
    const onnx = await run('plan', path.join(SAMPLE, 'model.onnx'), '--target', 'llama.cpp', '--preset', 'Q4_K_M', '--json');
    assert.equal(onnx.code, 0, onnx.stderr);
    const json = JSON.parse(onnx.stdout) as { generic: string | null; tensors: { name: string; type: string }[] };
    assert.match(json.generic!, /onnx/);
    assert.ok(json.tensors.some((t) => t.name === 'fc2.weight' && t.type !== 'F32'), 'a weight is quantized');
    const gguf = await run('plan', path.join(PLAN_FIXTURES, 'llama-gqa.gguf'), '--preset', 'Q4_K_M', '--json');
    assert.equal((JSON.parse(gguf.stdout) as { generic: string | null }).generic, null);
  });
});
