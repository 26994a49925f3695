import * as assert from 'node:assert/strict';
import { PLAN_TARGET_NAMES } from '../../../src/core/plan/planTypes';
import { defaultTarget, exportFileName, exportsOf, targetOptions } from '../../../src/extension/planTargets';

const enabled = (file: string): string[] => targetOptions(file).filter((t) => t.disabled === null).map((t) => t.name);

describe('extension: the Plan tab\'s targets', () => {
  it('offers the tools that apply to the file, every other one listed with why', () => {
    assert.deepEqual(enabled('model.gguf'), ['llama.cpp']);
    assert.deepEqual(enabled('model.onnx'), ['onnxruntime']);
    assert.deepEqual(enabled('model.safetensors'), ['llama.cpp', 'modelopt', 'torchao', 'llm-compressor']);
    for (const file of ['model.gguf', 'model.onnx', 'model.safetensors']) {
      const options = targetOptions(file);
      assert.deepEqual(options.map((t) => t.name), [...PLAN_TARGET_NAMES]);
      assert.ok(options.every((t) => t.disabled === null || (t.disabled.length > 0 && !t.disabled.includes('\n'))));
    }
    assert.match(targetOptions('model.gguf').find((t) => t.name === 'modelopt')!.disabled!, /GGUF is planned for llama\.cpp/);
    assert.equal(defaultTarget('model.onnx'), 'onnxruntime');
    assert.equal(defaultTarget('Model.GGUF'), 'llama.cpp');
    assert.equal(defaultTarget('model.safetensors'), 'modelopt');
  });

  it('every target has an export, saved under a name that says what it holds', () => {
    for (const target of PLAN_TARGET_NAMES) assert.ok(exportsOf(target).length > 0, target);
    assert.deepEqual(exportsOf('modelopt').map((e) => e.name), ['modelopt', 'modelopt-hf']);
    assert.equal(exportFileName('llama-gqa.gguf', 'Q4_K_M', 'llama.cpp'), 'llama-gqa.Q4_K_M.tensor-types.txt');
    assert.equal(exportFileName('model.safetensors', '4.80 bpw plan', 'modelopt-hf'), 'model.4.80-bpw-plan.hf_quant_config.json');
    assert.equal(exportFileName('model.safetensors', 'W4A16', 'llm-compressor'), 'model.W4A16.recipe.yaml');
  });
});
