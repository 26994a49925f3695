import * as assert from 'node:assert/strict';
import { buildFront, type UnitOption } from '../../../../src/core/plan/solver/front';
import { assignmentOf, improveWithin } from '../../../../src/core/plan/solver/improve';
import { solveAt } from '../../../../src/core/plan/solver/solveAt';
import { bruteForce } from './smallProblems';

describe('plan solver: fill and exchange moves after the Lagrangian walk', () => {
  it('trades a small upgrade for the large one the walk could not fit', () => {
    // the walk takes unit 0's edge (1.5 saved per byte), then unit 1's (1 per byte) no longer fits
    const units: UnitOption[][] = [
      [{ bytes: 0, damage: 10 }, { bytes: 2, damage: 7 }],
      [{ bytes: 0, damage: 10 }, { bytes: 10, damage: 0 }],
    ];
    const walk = solveAt(buildFront(units), 10);
    assert.equal(walk.damage, 17);
    assert.ok(walk.gap > 0);
    const improved = improveWithin(units, walk, 10);
    assert.deepEqual([...improved.choice], [0, 1]);
    assert.equal(improved.damage, 10);
    assert.ok(improved.damage >= walk.lowerBound, 'the Lagrangian bound holds for every plan');
  });

  it('uses options off the convex hull, and never leaves the budget', () => {
    // middle options lie above the hull; some budgets are best met by them
    const units: UnitOption[][] = Array.from({ length: 5 }, (_, u) => [
      { bytes: 10, damage: 8 + u }, { bytes: 14, damage: 6.5 + u / 2 }, { bytes: 16, damage: 3 }, { bytes: 22, damage: 1 + u / 10 },
    ]);
    const front = buildFront(units);
    for (let budget = 50; budget <= 110; budget += 3) {
      const walk = solveAt(front, budget);
      const improved = improveWithin(units, walk, budget);
      assert.ok(improved.bytes <= budget, `${improved.bytes} > ${budget}`);
      assert.ok(improved.damage <= walk.damage + 1e-12);
      assert.ok(improved.damage >= bruteForce(units, budget) - 1e-12);
      const again = assignmentOf(units, improved.choice);
      assert.equal(again.bytes, improved.bytes);
      assert.ok(Math.abs(again.damage - improved.damage) < 1e-12);
    }
    // on this instance single and pair moves reach the optimum at every budget
    for (const budget of [58, 64, 71, 80, 95]) {
      const improved = improveWithin(units, solveAt(front, budget), budget);
      assert.ok(Math.abs(improved.damage - bruteForce(units, budget)) < 1e-9, `budget ${budget}: ${improved.damage} vs ${bruteForce(units, budget)}`);
    }
  });
});
