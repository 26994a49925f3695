import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import '../../../../src/core/quant/ggml';
import { openModel } from '../../../../src/core/formats/registry';
import { matchImatrix } from '../../../../src/core/plan/imatrix/matchImatrix';
import { readImatrix } from '../../../../src/core/plan/imatrix/readImatrix';
import { openLlamaModel } from '../../../../src/core/plan/llamaCpp/openLlamaModel';
import { tensorRelErrors } from '../../../../src/core/plan/errors/tensorErrors';
import type { PlanTensor } from '../../../../src/core/plan/planTypes';
import type { GgmlDType } from '../../../../src/shared/vocab/dtypes';

const PLAN = path.join(__dirname, '..', '..', '..', 'fixtures', 'plan');
const FFN_DOWN: PlanTensor = { name: 'blk.0.ffn_down.weight', ne: [32, 256], numel: 32 * 256, type: 'F16', bytes: 2 * 32 * 256 };
type Expected = Record<string, Record<string, Record<string, { relErr: number; weighted: number | null }>>>;

describe('plan errors: relative error per tensor and candidate', () => {
  it('equals the error of what the real llama-quantize --pure wrote, unweighted and imatrix-weighted', async () => {
    const expected = JSON.parse(await fs.readFile(path.join(PLAN, 'imatrix', 'errors.json'), 'utf8')) as Expected;
    let checked = 0;
    let weightedChecked = 0;
    for (const [fixture, runs] of Object.entries(expected)) {
      const paths = [path.join(PLAN, fixture)];
      const plan = await openLlamaModel(paths);
      const imatrixFile = path.join(PLAN, 'imatrix', fixture.replace('.gguf', '.imatrix.gguf'));
      const weights = fixture.endsWith('.gguf') ? matchImatrix(await readImatrix(imatrixFile), plan.tensors) : new Map<string, Float32Array>();
      const model = await openModel(paths);
      try {
        for (const [ftype, tensors] of Object.entries(runs)) {
          for (const [name, want] of Object.entries(tensors)) {
            const t = plan.tensors.find((p) => p.name === name)!;
            const request = {
              sources: (t.sourceNames ?? [t.name]).map((n) => ({ name: n, matrixOffset: 0 })),
              tensor: t,
              candidates: [{ kind: 'ggml' as const, type: ftype as GgmlDType }],
            };
            const plain = await tensorRelErrors(model, { ...request, weights: null }, {});
            assert.ok(Math.abs(plain[ftype]! - want.relErr) <= 1e-6 * want.relErr, `${fixture} ${name} ${ftype}: ${plain[ftype]} vs ${want.relErr}`);
            checked++;
            const w = weights.get(name);
            if (want.weighted !== null && w) {
              const weighted = await tensorRelErrors(model, { ...request, weights: w }, {});
              assert.ok(Math.abs(weighted[ftype]! - want.weighted) <= 1e-6 * want.weighted, `${fixture} ${name} ${ftype} weighted: ${weighted[ftype]} vs ${want.weighted}`);
              assert.notEqual(weighted[ftype], plain[ftype]);
              weightedChecked++;
            }
          }
        }
      } finally {
        await model.close();
      }
    }
    assert.ok(checked > 150 && weightedChecked > 50, `${checked} checked, ${weightedChecked} weighted`);
  });

  it('leaves out candidates whose blocks do not fit a row, and prices casts', async () => {
    const paths = [path.join(PLAN, 'llama-gqa.gguf')];
    const model = await openModel(paths);
    try {
      // blk.0.ffn_down has rows of 32: Q4_K (256 per block) cannot store it
      const got = await tensorRelErrors(model, {
        sources: [{ name: 'blk.0.ffn_down.weight', matrixOffset: 0 }], tensor: FFN_DOWN,
        candidates: [{ kind: 'ggml', type: 'Q4_K' }, { kind: 'ggml', type: 'Q8_0' }, { kind: 'float', type: 'BF16' }, { kind: 'float', type: 'F16' }, { kind: 'keep' }],
        weights: null,
      }, {});
      // F16 is how it is stored and keep is keep: exact copies, no error to compute
      assert.deepEqual(Object.keys(got).sort(), ['BF16', 'Q8_0']);
      assert.ok(got.BF16! > 1e-3 && got.BF16! < 4e-3, `BF16 ${got.BF16}`); // 8 mantissa bits: ~2^-9 relative
    } finally {
      await model.close();
    }
  });

  it('stops when cancelled', async () => {
    const model = await openModel([path.join(PLAN, 'llama-gqa.gguf')]);
    try {
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(tensorRelErrors(model, {
        sources: [{ name: 'blk.0.attn_q.weight', matrixOffset: 0 }], tensor: { ...FFN_DOWN, name: 'blk.0.attn_q.weight', ne: [256, 64] },
        candidates: [{ kind: 'ggml', type: 'Q8_0' }], weights: null,
      }, { signal: controller.signal }), /cancelled/);
    } finally {
      await model.close();
    }
  });
});
