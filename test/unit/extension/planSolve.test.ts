import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { openModel } from '../../../src/core/formats/registry';
import { candidateName } from '../../../src/core/plan/costModel';
import type { ErrorTable } from '../../../src/core/plan/errors/errorTable';
import { modelErrors } from '../../../src/core/plan/errors/modelErrors';
import { tensorErrorSums } from '../../../src/core/plan/errors/tensorErrors';
import type { PlanTargetName } from '../../../src/core/plan/planTypes';
import { budgetLabel, planAt, solveModel } from '../../../src/extension/planSolve';
import { openTargetPlanModel, sweepScope, type TargetModel } from '../../../src/extension/planTargetModel';
import { run } from '../cli/run';
import { suiteTempDir } from '../helpers/tempDir';
import { writeMatMulMlp } from '../plan/targetModels';
import { PLAN_FIXTURES } from '../plan/expectedPlans';

/** The Plan tab's sweep, in-process: the candidates sweepScope names, priced by the core. */
async function panelErrors(paths: readonly string[], m: TargetModel): Promise<ErrorTable> {
  const scope = sweepScope(m);
  const model = await openModel(paths);
  try {
    const errors = await modelErrors({
      paths, model: m.model, planned: scope.planned, candidatesOf: scope.candidatesOf, bytesOf: (c, t) => m.target.bytesOf(c, t),
      imatrixFile: null, cacheDir: null, concurrency: 1,
      run: (request, signal, onElements) => tensorErrorSums(model, request, { signal, onProgress: onElements }),
    });
    return errors.table;
  } finally {
    await model.close();
  }
}

/** An error table that counts every read of a tensor's errors. */
function countingTable(table: ErrorTable): { table: ErrorTable; reads: () => number } {
  let reads = 0;
  const relErr = new Proxy(table.relErr, {
    get(target, name, receiver) {
      reads++;
      return Reflect.get(target, name, receiver);
    },
  });
  return { table: { ...table, relErr }, reads: () => reads };
}

/** Re-solves a slider makes on the way from one end to the other. */
const SLIDER_STEPS = 50;
/** The bound for re-planning at another budget, held by the median re-solve (a loaded machine stalls single ones). */
const RESOLVE_MS = 100;

describe('extension: the Plan tab\'s errors and solver', () => {
  describe('on llama-gqa.gguf with errors growing as bits shrink', () => {
    let m: TargetModel;
    let errors: ErrorTable;
    before(async () => {
      m = await openTargetPlanModel([path.join(PLAN_FIXTURES, 'llama-gqa.gguf')], 'llama.cpp', false);
      const bits: Record<string, number> = { Q2_K: 2.6, Q3_K: 3.4, Q4_0: 4.5, Q4_1: 5, Q4_K: 4.5, Q5_0: 5.5, Q5_1: 6, Q5_K: 5.5, Q6_K: 6.6, Q8_0: 8.5, IQ4_NL: 4.5, IQ4_XS: 4.25, F16: 16, BF16: 16, F32: 32 };
      const relErr: Record<string, Record<string, number>> = {};
      m.model.tensors.forEach((t, i) => {
        // Tensors differ in how much each bit buys, so the solver has choices to make.
        relErr[t.name] = Object.fromEntries(Object.entries(bits).map(([type, b]) => [type, (1 + (i % 5)) * 2 ** -b]));
      });
      errors = { weighted: false, relErr };
    });

    it('gives a front, presets priced on it, and the budget range; any budget re-solves within it, more bytes less damage', () => {
      const solved = solveModel(m, errors);
      assert.ok(solved.front.length >= 2);
      assert.ok(solved.front.every((p, i) => i === 0 || (p.bytes > solved.front[i - 1]!.bytes && p.damage <= solved.front[i - 1]!.damage)), 'smaller first, damage falling');
      assert.ok(solved.presets.has('Q4_K_M') && solved.presets.has('Q8_0'));
      const { minBytes, maxBytes } = solved.range;
      assert.ok(minBytes < maxBytes);
      const low = planAt(solved, 'bytes', minBytes + (maxBytes - minBytes) / 4);
      const high = planAt(solved, 'bytes', minBytes + (3 * (maxBytes - minBytes)) / 4);
      assert.ok(low.totalBytes <= minBytes + (maxBytes - minBytes) / 4);
      assert.ok(high.predictedDamage < low.predictedDamage);
      const bpw = planAt(solved, 'bpw', high.bitsPerWeight);
      assert.ok(bpw.totalBytes <= high.totalBytes + 1);
      assert.ok(m.target.defaultCandidates.map(candidateName).includes(high.tensors.find((t) => t.name === 'blk.0.attn_q.weight')!.type));
      assert.throws(() => planAt(solved, 'bytes', minBytes - 1), /below the smallest plan/);
    });

    it(`the slider re-solves without reading a single error: ${SLIDER_STEPS} budgets, the median under ${RESOLVE_MS} ms`, () => {
      const counted = countingTable(errors);
      const solved = solveModel(m, counted.table);
      assert.ok(counted.reads() > 0, 'building the problem reads the errors (the counter counts)');
      const before = counted.reads();
      const { minBytes, maxBytes } = solved.range;
      const took: number[] = [];
      for (let k = 0; k <= SLIDER_STEPS; k++) {
        const started = performance.now();
        planAt(solved, 'bytes', Math.round(minBytes + (k / SLIDER_STEPS) * (maxBytes - minBytes)));
        took.push(performance.now() - started);
      }
      assert.equal(counted.reads() - before, 0, 'no error read (let alone computed) while re-solving');
      const median = took.sort((a, b) => a - b)[Math.floor(took.length / 2)]!;
      assert.ok(median < RESOLVE_MS, `median re-solve ${median.toFixed(1)} ms (slowest ${took.at(-1)!.toFixed(1)} ms)`);
    });
  });

  // The CLI's `plan --target T --budget-bpw B` and the tab's pipeline (sweepScope, solveModel, planAt) on the same file.
  const tmp = suiteTempDir('quantlens-plan-tab-');
  const cases: [PlanTargetName, () => string, number][] = [
    ['modelopt', () => path.join(PLAN_FIXTURES, 'hf-llama'), 6],
    ['llm-compressor', () => path.join(PLAN_FIXTURES, 'hf-mixtral'), 10],
    ['torchao', () => path.join(PLAN_FIXTURES, 'hf-llama'), 8],
    ['onnxruntime', () => writeMatMulMlp(tmp()).file, 12],
    ['llama.cpp', () => path.join(PLAN_FIXTURES, 'llama-gqa.gguf'), 4.9],
  ];
  for (const [target, fileOf, bpw] of cases) {
    it(`${target} at ${bpw} bpw: the tab's plan, errors, damage and preset points equal the CLI's`, async function () {
      this.timeout(120_000);
      const file = fileOf();
      const cli = await run('plan', file, '--target', target, '--budget-bpw', String(bpw), '--json', '--no-cache');
      assert.equal(cli.code, 0, cli.stderr);
      const want = JSON.parse(cli.stdout) as {
        tensors: { name: string; type: string; bytes: number; predicted: { relErr: number; damage: number } }[];
        totalBytes: number; predictedDamage: number; pareto: { bytes: number; predictedDamage: number }[]; presets: { preset: string; totalBytes: number; predictedDamage: number }[];
      };
      const m = await openTargetPlanModel([file], target, false);
      const solved = solveModel(m, await panelErrors([file], m));
      const plan = planAt(solved, 'bpw', bpw);
      assert.deepEqual(plan.tensors.map((t) => [t.name, t.type, t.bytes, t.predicted.relErr, t.predicted.damage]), want.tensors.map((t) => [t.name, t.type, t.bytes, t.predicted.relErr, t.predicted.damage]));
      assert.equal(plan.totalBytes, want.totalBytes);
      assert.equal(plan.predictedDamage, want.predictedDamage);
      assert.deepEqual(solved.front.map((p) => [p.bytes, p.damage]), want.pareto.map((p) => [p.bytes, p.predictedDamage]));
      // The CLI predicts the presets it shows by default; the tab prices those and every other it can.
      for (const p of want.presets) {
        assert.equal(solved.presets.get(p.preset)?.predictedDamage, p.predictedDamage, p.preset);
        assert.equal(solved.presets.get(p.preset)?.totalBytes, p.totalBytes, p.preset);
      }
      if (target !== 'llama.cpp') assert.equal(solved.presets.size, m.presets.size, `every ${target} recipe is a point: ${[...solved.presets.keys()].join(', ')}`);
    });
  }

  it('labels a budget plan by its budget', () => {
    assert.equal(budgetLabel('bpw', 4.8), '4.80 bpw plan');
    assert.equal(budgetLabel('bytes', 5e6), '5,000,000 bytes plan');
  });
});
