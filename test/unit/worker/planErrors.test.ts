import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import '../../../src/core/quant/ggml';
import { openModel } from '../../../src/core/formats';
import { sourcesOf } from '../../../src/core/plan/errors/errorSweep';
import { planErrorParams } from '../../../src/core/plan/errors/planErrorRequest';
import { relErrorsOf, tensorRelErrors, type TensorErrorRequest } from '../../../src/core/plan/errors/tensorErrors';
import { matchImatrix } from '../../../src/core/plan/imatrix/matchImatrix';
import { readImatrix } from '../../../src/core/plan/imatrix/readImatrix';
import { openLlamaModel } from '../../../src/core/plan/llamaCpp/openLlamaModel';
import { AnalysisPool } from '../../../src/worker/host/pool';
import { buildBundlesOnce } from './bundles';

const PLAN = path.join(__dirname, '..', '..', 'fixtures', 'plan');
const MOE = path.join(PLAN, 'moe.gguf');

describe('worker pool: planErrors', function () {
  this.timeout(120_000);
  let pool: AnalysisPool;

  before(async () => {
    pool = new AnalysisPool({ workerScript: path.join(await buildBundlesOnce(), 'worker.js'), threads: 1 });
  });
  after(() => pool.dispose());

  it('prices a tensor as the core does in-process (imatrix-weighted experts), with progress; cancel stops it', async () => {
    const plan = await openLlamaModel([MOE]);
    const weights = matchImatrix(await readImatrix(path.join(PLAN, 'imatrix', 'moe.imatrix.gguf')), plan.tensors);
    const tensor = plan.tensors.find((t) => t.name === 'blk.1.ffn_up_exps.weight')!;
    const request: TensorErrorRequest = {
      sources: sourcesOf(tensor, plan.facts.architecture), tensor, weights: weights.get(tensor.name)!,
      candidates: [{ kind: 'ggml', type: 'Q4_K' }, { kind: 'ggml', type: 'Q8_0' }],
    };
    const progress: number[] = [];
    const got = await pool.planErrors(planErrorParams([MOE], 'llama.cpp', request), (n) => progress.push(n), new AbortController().signal);
    const model = await openModel([MOE]);
    try {
      // the worker sums in WebAssembly, the reference here in TypeScript: equal but for the last bits
      const reference = await tensorRelErrors(model, request, {}, null);
      const relErr = relErrorsOf(got);
      for (const [type, value] of Object.entries(reference)) assert.ok(Math.abs(relErr[type]! - value) <= 1e-12 * value, `${type}: ${relErr[type]} vs ${value}`);
    } finally {
      await model.close();
    }
    assert.deepEqual(Object.keys(got.noise), ['Q4_K', 'Q8_0']);
    assert.ok(progress.length > 0 && progress.every((n) => n <= tensor.numel));
    const stop = new AbortController();
    stop.abort();
    await assert.rejects(pool.planErrors(planErrorParams([MOE], 'llama.cpp', request), () => undefined, stop.signal), /cancelled/i);
  });
});
