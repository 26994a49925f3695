import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { defaultPlanTarget, planFileKind } from '../../../src/core/plan/targets/defaultTarget';
import { defaultTarget } from '../../../src/extension/planTargets';
import { run } from '../cli/run';
import { suiteTempDir } from '../helpers/tempDir';
import { GGUF_FIXTURES, PLAN_FIXTURES } from './expectedPlans';
import { HF_LLAMA, writeMatMulMlp } from './targetModels';

describe('plan: the default target', () => {
  const tmp = suiteTempDir('quantlens-plan-default-');

  it('is decided from the files: llama.cpp for GGUF, ModelOpt for anything else (CLI.md), ONNX graphs and checkpoints (shards or index too)', () => {
    assert.equal(defaultPlanTarget(['a.gguf', 'B.GGUF']), 'llama.cpp');
    assert.equal(defaultPlanTarget(['model.onnx']), 'modelopt');
    assert.equal(defaultPlanTarget(['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']), 'modelopt');
    assert.equal(defaultPlanTarget(['model.safetensors.index.json']), 'modelopt');
    // a GGUF beside a checkpoint is not a GGUF model
    assert.equal(planFileKind(['a.gguf', 'b.safetensors']), 'checkpoint');
    assert.equal(planFileKind([]), 'checkpoint');
  });

  it('the CLI without --target and a new Plan tab choose the same tool, but where the tab does not offer it (ModelOpt for an ONNX graph)', async () => {
    const files: [string, string][] = [
      [path.join(PLAN_FIXTURES, GGUF_FIXTURES[0]!), 'Q4_K_M'],
      [writeMatMulMlp(tmp()).file, 'FP8_DEFAULT_CFG'],
      [HF_LLAMA, 'NVFP4_DEFAULT_CFG'],
    ];
    const cli: string[] = [];
    const tab: string[] = [];
    for (const [file, preset] of files) {
      const r = await run('plan', file, '--preset', preset, '--no-predict', '--json');
      assert.equal(r.code, 0, r.stderr);
      cli.push((JSON.parse(r.stdout) as { target: string }).target);
      tab.push(defaultTarget(path.basename(file)));
    }
    assert.deepEqual(cli, ['llama.cpp', 'modelopt', 'modelopt']);
    assert.deepEqual(tab, ['llama.cpp', 'onnxruntime', 'modelopt']);
  });
});
