import * as assert from 'node:assert/strict';
import { meanHalfWidth, t95 } from '../../../../src/core/analysis/progressive/interval';
import { MIN_UNITS, planSample, SAMPLE_TARGET_ELEMENTS, VECTOR_UNIT } from '../../../../src/core/analysis/progressive/samplePlan';

describe('progressive sample plan and intervals', () => {
  it('samples whole rows, one in each equal stratum, the same every time', () => {
    const plan = planSample([11008, 4096], 11008 * 4096)!;
    assert.equal(plan.unitLength, 4096);
    assert.equal(plan.units.length, SAMPLE_TARGET_ELEMENTS / 4096);
    assert.deepEqual(plan.sampleShape, [plan.units.length, 4096]);
    plan.units.forEach((u, k) => {
      assert.ok(u >= Math.floor((k * 11008) / plan.units.length) && u < Math.floor(((k + 1) * 11008) / plan.units.length), `unit ${u} in stratum ${k}`);
    });
    assert.deepEqual(planSample([11008, 4096], 11008 * 4096), plan);
  });

  it('takes at least MIN_UNITS long rows, whole small tensors, fixed runs of vectors, and refuses huge slices', () => {
    assert.equal(planSample([4096, 11008], 4096 * 11008)!.units.length, MIN_UNITS);
    const small = planSample([12, 256], 12 * 256)!;
    assert.deepEqual(small.units, Array.from({ length: 12 }, (_, i) => i));
    const vector = planSample([1_000_000], 1_000_000)!;
    assert.equal(vector.unitLength, VECTOR_UNIT);
    assert.equal(vector.sampleElements, SAMPLE_TARGET_ELEMENTS);
    assert.equal(planSample([2, 50_000_000], 100_000_000), null);
  });

  it('t quantiles and a mean\'s interval with the finite-population correction', () => {
    assert.equal(t95(15), 2.131);
    assert.ok(Math.abs(t95(60) - 2.0) < 0.002);
    const v = [1, 2, 3, 4];
    // sd 1.291, n 4: 3.182 · 1.291 / 2 · sqrt(1 - 4/8)
    assert.ok(Math.abs(meanHalfWidth(v, 8) - 3.182 * (Math.sqrt(5 / 3) / 2) * Math.sqrt(0.5)) < 1e-12);
    assert.equal(meanHalfWidth(v, 4), 0, 'every unit read: no sampling error');
  });
});
