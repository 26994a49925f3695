import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { UsageError } from '../../../src/core/errors';
import { openLlamaModel } from '../../../src/core/plan/llamaCpp/openLlamaModel';
import type { LlamaModel } from '../../../src/core/plan/llamaCpp/planPreset';
import { loadPlanImatrix } from '../../../src/extension/planImatrix';
import { PLAN_FIXTURES } from '../plan/expectedPlans';

const IMATRIX = path.join(PLAN_FIXTURES, 'imatrix');

describe('extension: the Plan tab\'s importance matrix', () => {
  let model: LlamaModel;
  before(async () => {
    model = await openLlamaModel([path.join(PLAN_FIXTURES, 'llama-gqa.gguf')]);
  });

  for (const file of ['llama-gqa.imatrix.gguf', 'llama-gqa.imatrix.dat']) {
    it(`${file}: statistics of every weight it covers and of every layer, the layers summing the tensors' energy`, async () => {
      const shown = await loadPlanImatrix(path.join(IMATRIX, file), model);
      assert.equal(shown.file, file);
      assert.equal(shown.format, file.endsWith('.gguf') ? 'gguf' : 'dat');
      const names = new Set(model.tensors.map((t) => t.name));
      assert.ok(shown.tensors.length > 0 && shown.tensors.every((t) => names.has(t.name)), 'rows name tensors of the model');
      assert.ok(shown.tensors.every((t) => t.energy > 0 && t.spread >= 1 && t.columns === model.tensors.find((m) => m.name === t.name)!.ne[0]));
      const blocks = new Set(shown.tensors.map((t) => /^blk\.(\d+)\./.exec(t.name)?.[1]).filter((b) => b !== undefined).map((b) => `blk.${b}`));
      assert.deepEqual(shown.layers.map((l) => l.name).filter((n) => n.startsWith('blk.')).sort(), [...blocks].sort());
      for (const layer of shown.layers.filter((l) => l.name.startsWith('blk.'))) {
        const sum = shown.tensors.filter((t) => t.name.startsWith(`${layer.name}.`)).reduce((s, t) => s + t.energy, 0);
        assert.ok(Math.abs(layer.energy - sum) <= 1e-6 * sum, `${layer.name}: ${layer.energy} vs ${sum}`);
      }
    });
  }

  it('another model\'s importance matrix is a one-line UsageError naming the file', async () => {
    await assert.rejects(loadPlanImatrix(path.join(IMATRIX, 'moe.imatrix.gguf'), model), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /moe\.imatrix\.gguf/);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  });

  it('a file that is not there is a UsageError, not a crash', async () => {
    await assert.rejects(loadPlanImatrix(path.join(IMATRIX, 'absent.imatrix.gguf'), model), UsageError);
  });
});
