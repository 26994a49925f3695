import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import '../../../../src/core/quant/ggml';
import { openModel } from '../../../../src/core/formats/registry';
import { candidateBytes, type Candidate } from '../../../../src/core/plan/costModel';
import { errorParts, PART_VALUES } from '../../../../src/core/plan/errors/errorParts';
import { sourcesOf, sweepErrors, type ErrorRunner } from '../../../../src/core/plan/errors/errorSweep';
import type { ErrorTable } from '../../../../src/core/plan/errors/errorTable';
import { tensorErrorSums, type TensorErrorRequest } from '../../../../src/core/plan/errors/tensorErrors';
import { matchImatrix } from '../../../../src/core/plan/imatrix/matchImatrix';
import { readImatrix } from '../../../../src/core/plan/imatrix/readImatrix';
import { openLlamaModel } from '../../../../src/core/plan/llamaCpp/openLlamaModel';
import { whyNotQuantized } from '../../../../src/core/plan/llamaCpp/notQuantized';
import type { PlanTensor } from '../../../../src/core/plan/planTypes';

const PLAN = path.join(__dirname, '..', '..', '..', 'fixtures', 'plan');
const CANDIDATES: Candidate[] = [{ kind: 'ggml', type: 'Q4_K' }, { kind: 'ggml', type: 'Q8_0' }, { kind: 'float', type: 'BF16' }];
/** Parts added up may differ from one pass in the last bits only. */
const RELATIVE_TOLERANCE = 1e-12;

const BIG: PlanTensor = { name: 'blk.0.ffn_up.weight', ne: [4096, 11008], numel: 4096 * 11008, type: 'BF16', bytes: 2 * 4096 * 11008 };

function request(tensor: PlanTensor, sources: TensorErrorRequest['sources'], candidates: readonly Candidate[] = CANDIDATES): TensorErrorRequest {
  return { sources, tensor, candidates, weights: null };
}

/** The sweep of every planned tensor of `paths`, weighted by the imatrix when given, in parts of `partValues`; and how many requests ran. */
async function sweep(paths: string[], imatrix: string | null, partValues: number): Promise<{ table: ErrorTable; runs: number; tensors: number }> {
  const plan = await openLlamaModel(paths);
  const planned = plan.tensors.filter((t) => whyNotQuantized(t.name, t.ne) === null).map((t) => ({ tensor: t, sources: sourcesOf(t, plan.facts.architecture) }));
  const weights = imatrix === null ? null : matchImatrix(await readImatrix(imatrix), plan.tensors);
  const model = await openModel(paths);
  let runs = 0;
  const run: ErrorRunner = (r, signal, onElements) => {
    runs++;
    return tensorErrorSums(model, r, { signal, onProgress: onElements });
  };
  try {
    const table = await sweepErrors(planned, () => CANDIDATES, candidateBytes, weights, run, { concurrency: 2, partValues });
    return { table, runs, tensors: planned.length };
  } finally {
    await model.close();
  }
}

function assertSameTable(actual: ErrorTable, expected: ErrorTable): void {
  assert.equal(actual.weighted, expected.weighted);
  assert.deepEqual(Object.keys(actual.relErr).sort(), Object.keys(expected.relErr).sort());
  for (const [name, row] of Object.entries(expected.relErr)) {
    assert.deepEqual(Object.keys(actual.relErr[name]!).sort(), Object.keys(row).sort(), name);
    for (const [key, value] of Object.entries(row)) {
      const got = actual.relErr[name]![key]!;
      assert.ok(Math.abs(got - value) <= RELATIVE_TOLERANCE * value, `${name} ${key}: ${got} vs ${value}`);
    }
  }
}

describe('plan errors: tensors priced in parts add up to the whole', function () {
  this.timeout(120_000);

  it('cuts a single source into row ranges that cover every row once, about PART_VALUES each', () => {
    const parts = errorParts(request(BIG, [{ name: BIG.name, matrixOffset: 0 }]));
    assert.equal(parts.length, 3);
    let next = 0;
    for (const part of parts) {
      const [source] = part.request.sources;
      assert.equal(source!.rows!.first, next);
      assert.equal(part.values, source!.rows!.count * 4096);
      assert.ok(part.values <= PART_VALUES);
      next += source!.rows!.count;
    }
    assert.equal(next, 11008);
  });

  it('cuts experts (one source each) into runs of whole sources, and leaves alone what must be read whole', () => {
    const experts = Array.from({ length: 8 }, (_, k) => ({ name: `model.layers.0.block_sparse_moe.experts.${k}.w1.weight`, matrixOffset: k }));
    const moe: PlanTensor = { ...BIG, ne: [4096, 2048, 8], numel: 4096 * 2048 * 8 };
    const parts = errorParts(request(moe, experts));
    assert.deepEqual(parts.map((p) => p.request.sources.map((s) => s.matrixOffset)), [[0, 1], [2, 3], [4, 5], [6, 7]]);
    assert.ok(parts.every((p) => p.request.sources.every((s) => s.rows === undefined)));
    // one scale over the whole tensor: its range is needed first, so no parts
    assert.equal(errorParts(request(BIG, [{ name: BIG.name, matrixOffset: 0 }], [{ kind: 'fp8', scale: 'tensor' } as Candidate])).length, 1);
    assert.equal(errorParts(request(BIG, [{ name: BIG.name, matrixOffset: 0, transposed: true }])).length, 1);
    assert.equal(errorParts(request({ ...BIG, ne: [4096, 4096], numel: 4096 * 4096 }, [{ name: BIG.name, matrixOffset: 0 }])).length, 1);
  });

  it('gives the same errors in parts as whole: imatrix-weighted experts cut across matrices (moe.gguf), experts as sources (hf-mixtral)', async () => {
    for (const [paths, imatrix] of [
      [[path.join(PLAN, 'moe.gguf')], path.join(PLAN, 'imatrix', 'moe.imatrix.gguf')],
      [[path.join(PLAN, 'hf-mixtral')], null],
    ] as const) {
      const whole = await sweep([...paths], imatrix, Infinity);
      assert.equal(whole.runs, whole.tensors);
      // 1000 values: parts end mid-matrix and mid-expert
      const cut = await sweep([...paths], imatrix, 1000);
      assert.ok(cut.runs > 2 * cut.tensors, `${paths[0]}: ${cut.runs} requests for ${cut.tensors} tensors`);
      assertSameTable(cut.table, whole.table);
    }
  });
});
