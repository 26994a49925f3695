import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { openModel } from '../../../src/core/formats/registry';
import { errorKeyOf } from '../../../src/core/plan/costModel';
import { sourcesOf } from '../../../src/core/plan/errors/errorSweep';
import { tensorRelErrors } from '../../../src/core/plan/errors/tensorErrors';
import { PLAN_TARGETS } from '../../../src/core/plan/targets';
import { openTargetModel } from '../../../src/core/plan/targets/openTargetModel';
import { run } from '../cli/run';
import { suiteTempDir } from '../helpers/tempDir';
import { HF_LLAMA } from './targetModels';

const TOOLS = ['modelopt', 'torchao', 'llm-compressor'] as const;
const TENSOR = 'model.layers.0.mlp.down_proj.weight';

describe('plan: one candidate name, each tool\'s own errors', () => {
  const tmp = suiteTempDir('quantlens-plan-int-');

  it('int8_ch of ModelOpt, torchao and llm-compressor are three round trips, keyed apart; the CLI shows each with one shared cache', async () => {
    const tensor = (await openTargetModel([HF_LLAMA])).find((t) => t.name === TENSOR)!;
    assert.equal(tensor.type, 'BF16');
    const candidates = TOOLS.map((tool) => PLAN_TARGETS[tool].parseCandidate('int8_ch'));
    const model = await openModel([HF_LLAMA]);
    let direct: Record<string, number>;
    try {
      direct = await tensorRelErrors(model, { sources: sourcesOf(tensor, ''), tensor, candidates, weights: null }, {});
    } finally {
      await model.close();
    }
    const keys = candidates.map(errorKeyOf);
    assert.deepEqual(keys, ['int8_ch@modelopt', 'int8_ch@torchao-int8', 'int8_ch@compressed-tensors']);
    const errors = keys.map((k) => direct[k]!);
    // int8 per channel: about 2^-8 relative; amax / 127 (ModelOpt) is finer than amax / 127.5 in bf16 arithmetic
    assert.ok(errors.every((e) => e > 1e-3 && e < 2e-2), errors.join(', '));
    assert.equal(new Set(errors).size, 3, errors.join(', '));

    // one cache for the three plans: each reads its own tool's error, not the first plan's
    const cache = path.join(tmp(), 'cache');
    for (const [k, tool] of TOOLS.entries()) {
      const r = await run('plan', HF_LLAMA, '--target', tool, '--candidates', 'int8_ch', '--budget-bpw', '16', '--cache', cache, '--json');
      assert.equal(r.code, 0, r.stderr);
      const planned = (JSON.parse(r.stdout) as { tensors: { name: string; type: string; predicted: { relErr: number } }[] }).tensors.find((t) => t.name === TENSOR)!;
      assert.equal(planned.type, 'int8_ch', tool);
      assert.equal(planned.predicted.relErr, errors[k], tool);
    }
  });
});
