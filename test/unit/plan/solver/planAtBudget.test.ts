import * as assert from 'node:assert/strict';
import { candidateBytes, typeBytes, type Candidate } from '../../../../src/core/plan/costModel';
import { DEFAULT_ALPHA } from '../../../../src/core/plan/damage/alpha';
import type { ErrorTable } from '../../../../src/core/plan/errors/errorTable';
import type { PlanTensor } from '../../../../src/core/plan/planTypes';
import { buildPlanProblem, type PlanRules } from '../../../../src/core/plan/solver/planProblem';
import { planAtBudget, predictPlan, smallestPlan } from '../../../../src/core/plan/solver/planAtBudget';
import { bruteForce } from './smallProblems';

const weight = (name: string, ne: number[]): PlanTensor => {
  const numel = ne.reduce((a, b) => a * b, 1);
  return { name, ne, numel, type: 'F16', bytes: 2 * numel };
};

const TENSORS: PlanTensor[] = [
  weight('token_embd.weight', [256, 64]),
  { name: 'blk.0.attn_norm.weight', ne: [256], numel: 256, type: 'F32', bytes: 1024 },
  weight('blk.0.attn_q.weight', [256, 256]),
  weight('blk.0.attn_k.weight', [256, 64]),
  weight('blk.0.attn_v.weight', [256, 64]),
  weight('blk.0.ffn_down.weight', [96, 256]), // rows of 96: no K type fits
  weight('output.weight', [256, 64]),
];

const CANDIDATES: Candidate[] = [{ kind: 'ggml', type: 'Q4_K' }, { kind: 'ggml', type: 'Q6_K' }, { kind: 'ggml', type: 'Q8_0' }];

/** Errors that shrink with bits, larger for attn_q so the solver has a reason to prefer it. */
const ERRORS: ErrorTable = {
  weighted: false,
  relErr: Object.fromEntries(TENSORS.map((t) => [t.name, { Q4_K: t.name.includes('attn_q') ? 0.2 : 0.1, Q6_K: 0.03, Q8_0: 0.005 }])),
};

const NOT_NORMS: PlanRules = {
  name: 'llama.cpp',
  bytesOf: candidateBytes,
  notPlanned: (t) => (t.ne.length < 2 ? 'fewer than 2 dimensions' : null),
  groupOf: () => null,
};

describe('plan solver: plans under a budget', () => {
  it('keeps what the rules exclude or no candidate fits, and prices the rest', () => {
    const problem = buildPlanProblem(TENSORS, CANDIDATES, ERRORS, NOT_NORMS);
    const smallest = smallestPlan(problem);
    const plan = planAtBudget(problem, { bytes: smallest.bytes });
    const byName = new Map(plan.tensors.map((t) => [t.name, t]));
    assert.equal(byName.get('blk.0.attn_norm.weight')!.type, 'F32');
    assert.match(byName.get('blk.0.attn_norm.weight')!.reason, /fewer than 2 dimensions/);
    // rows of 96 values: only Q8_0 (32 per block) fits, so it is its only (and cheapest) option
    assert.equal(byName.get('blk.0.ffn_down.weight')!.type, 'Q8_0');
    assert.equal(byName.get('blk.0.attn_q.weight')!.type, 'Q4_K');
    assert.equal(plan.totalBytes, smallest.bytes);
    assert.equal(byName.get('blk.0.attn_q.weight')!.bytes, typeBytes('Q4_K', [256, 256]));
  });

  it('spends a larger budget where it saves the most damage, within the budget', () => {
    const problem = buildPlanProblem(TENSORS, CANDIDATES, ERRORS, NOT_NORMS);
    const smallest = smallestPlan(problem);
    // room for one Q4_K -> Q6_K upgrade of a 256x256 tensor
    const budget = smallest.bytes + typeBytes('Q6_K', [256, 256]) - typeBytes('Q4_K', [256, 256]);
    const plan = planAtBudget(problem, { bytes: budget });
    assert.ok(plan.totalBytes <= budget);
    const optimum = bruteForce(problem.units.map((u) => u.options), budget, problem.fixedBytes);
    assert.ok(plan.predictedDamage >= optimum - 1e-12 && plan.damageLowerBound <= optimum + 1e-12);
    assert.ok(plan.predictedDamage < problem.front.startDamage, 'the extra bytes bought nothing');
    const upgraded = plan.tensors.filter((t) => t.reason.startsWith('solver: +'));
    assert.ok(upgraded.length > 0);
    for (const t of upgraded) assert.match(t.reason, /^solver: \+[\d,]+ bytes over Q4_K buys -\d\.\d\de[+-]\d+ damage$/);
    const output = plan.tensors.find((t) => t.name === 'output.weight')!;
    assert.equal(output.predicted.relErr, ERRORS.relErr['output.weight']![output.type]);
    assert.ok(Math.abs(output.predicted.sqnrDb! - -20 * Math.log10(output.predicted.relErr)) < 1e-9);
    const sum = plan.tensors.reduce((d, t) => d + t.predicted.damage, 0);
    assert.ok(Math.abs(sum - plan.predictedDamage) < 1e-12);
    assert.ok(plan.optimalityGap >= 0 && plan.damageLowerBound <= plan.predictedDamage);
    assert.ok(plan.pareto.length > 3 && plan.pareto[0]!.bytes === smallest.bytes);
  });

  it('gives grouped tensors one candidate', () => {
    const qkv: PlanRules = { ...NOT_NORMS, groupOf: (t) => (/attn_[qkv]\./.test(t.name) ? 'blk.0.qkv' : null) };
    const problem = buildPlanProblem(TENSORS, CANDIDATES, ERRORS, qkv);
    for (const point of problem.front.points) {
      const plan = planAtBudget(problem, { bytes: point.bytes + problem.fixedBytes });
      const types = new Set(plan.tensors.filter((t) => /attn_[qkv]\./.test(t.name)).map((t) => t.type));
      assert.equal(types.size, 1, `at ${point.bytes} bytes: ${[...types].join(', ')}`);
    }
  });

  it('names the smallest plan when the budget is below it', () => {
    const problem = buildPlanProblem(TENSORS, CANDIDATES, ERRORS, NOT_NORMS);
    const smallest = smallestPlan(problem);
    assert.throws(() => planAtBudget(problem, { bpw: 1 }), (e: Error) =>
      e.name === 'UsageError' && e.message.includes(`${smallest.bitsPerWeight.toFixed(4)} bits per weight`) && !e.message.includes('\n'));
  });

  it('predicts a given plan from the same errors and alphas', () => {
    const problem = buildPlanProblem(TENSORS, CANDIDATES, ERRORS, NOT_NORMS);
    const plan = planAtBudget(problem, { bpw: 16 });
    const again = predictPlan(plan, TENSORS, ERRORS, problem.alphas);
    assert.ok(Math.abs(again.predictedDamage - plan.predictedDamage) < 1e-12);
    const output = again.tensors.find((t) => t.name === 'output.weight')!;
    assert.equal(output.predicted.damage, DEFAULT_ALPHA.output * 0.005 ** 2);
  });
});
