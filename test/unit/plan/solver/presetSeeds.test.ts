import * as assert from 'node:assert/strict';
import { candidateName, type Candidate } from '../../../../src/core/plan/costModel';
import type { ErrorTable } from '../../../../src/core/plan/errors/errorTable';
import type { Plan, PlanTensor } from '../../../../src/core/plan/planTypes';
import { assignmentOf, improveWithin } from '../../../../src/core/plan/solver/improve';
import { planAtBudget } from '../../../../src/core/plan/solver/planAtBudget';
import { buildPlanProblem, seedOf, type PlanRules } from '../../../../src/core/plan/solver/planProblem';

const INT4: Candidate = { kind: 'int', bits: 4, group: 'channel', scale: 'F32', zero: 'none', convention: 'modelopt' };
const INT8: Candidate = { kind: 'int', bits: 8, group: 'channel', scale: 'F32', zero: 'none', convention: 'modelopt' };
const tensor = (name: string, rows: number): PlanTensor => ({ name, ne: [64, rows], numel: 64 * rows, type: 'F32', bytes: 4 * 64 * rows });
const RULES: PlanRules = {
  name: 'torchao', notPlanned: () => null, groupOf: () => null,
  bytesOf: (c, t) => ((c.kind === 'int' ? c.bits : 32) / 8) * t.numel,
};

/** A plan giving every tensor one candidate. */
function uniform(tensors: readonly PlanTensor[], c: Candidate): Plan {
  const planned = tensors.map((t) => ({ name: t.name, type: candidateName(c), candidate: c, bytes: RULES.bytesOf(c, t)!, requested: null, reason: 'preset' }));
  const totalBytes = planned.reduce((n, p) => n + p.bytes, 0);
  const totalValues = tensors.reduce((n, t) => n + t.numel, 0);
  return { target: 'torchao', preset: 'uniform', tensors: planned, totalBytes, totalValues, bitsPerWeight: (8 * totalBytes) / totalValues };
}

describe('plan solver: a preset as a start', () => {
  // a: int8 (0.49) is barely better than int4 (0.5), so its hull goes int4 -> keep; b: int8 saves the most per byte.
  // At all-int8's size the hull walk takes b's int8, then cannot afford a's keep: a stays int4 (0.25 + 1e-4),
  // worse than all-int8 (0.2401 + 1e-4)
  const tensors = [tensor('a', 1), tensor('b', 8)];
  const errors: ErrorTable = { weighted: false, relErr: { a: { 'int4_ch@modelopt': 0.5, 'int8_ch@modelopt': 0.49 }, b: { 'int4_ch@modelopt': 0.6, 'int8_ch@modelopt': 0.01 } } };
  const problem = buildPlanProblem(tensors, [INT4, INT8, { kind: 'keep' }], errors, RULES);
  const all8 = uniform(tensors, INT8);
  const all8Damage = 0.49 ** 2 + 0.01 ** 2;

  const options = problem.units.map((u) => u.options);

  it('reads a preset as one option per unit, and refuses a plan that is not one of the problem\'s', () => {
    const seed = seedOf(all8, problem.units)!;
    assert.equal(seed.name, 'uniform');
    assert.deepEqual([...seed.choice].map((k, u) => candidateName(problem.units[u]!.options[k]!.candidate)), ['int8_ch', 'int8_ch']);
    const fp8: Candidate = { kind: 'fp8', scale: 'tensor', scaleType: 'F32' };
    assert.equal(seedOf(uniform(tensors, fp8), problem.units), null);
  });

  it('moves from a preset never raise the damage and stay within the budget', () => {
    const start = assignmentOf(options, seedOf(uniform(tensors, INT4), problem.units)!.choice);
    const budget = 32 + 512;
    const got = improveWithin(options, start, budget);
    assert.ok(got.bytes <= budget);
    // b to int8 (+256 bytes, -0.3599) is the only move that fits
    assert.ok(Math.abs(got.damage - (0.5 ** 2 + 0.01 ** 2)) < 1e-12, `${got.damage}`);
  });

  it('at the preset\'s size the plan is never worse than the preset, seeded or not', () => {
    const plain = planAtBudget(problem, { bytes: all8.totalBytes });
    const seeded = planAtBudget(problem, { bytes: all8.totalBytes }, undefined, [all8]);
    assert.ok(seeded.predictedDamage <= all8Damage + 1e-15, `${seeded.predictedDamage} vs ${all8Damage}`);
    // the hull walk alone would stop above all8 (a keeps int4); the moves from the walk's point reach it unseeded too
    assert.ok(plain.predictedDamage <= all8Damage + 1e-15, `unseeded: ${plain.predictedDamage}`);
    assert.ok(seeded.predictedDamage <= plain.predictedDamage);
    assert.ok(seeded.totalBytes <= all8.totalBytes);
    assert.ok(seeded.optimalityGap >= 0 && seeded.damageLowerBound <= seeded.predictedDamage);
  });
});
