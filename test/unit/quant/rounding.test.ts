import * as assert from 'node:assert/strict';
import { roundHalfEven } from '../../../src/core/numeric/rounding';

describe('roundHalfEven', () => {
  it('sends ties to the even neighbour, like torch.round and numpy.rint', () => {
    const ties = [0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 126.5, 127.5, -127.5, -128.5];
    assert.deepEqual(ties.map(roundHalfEven).map((v) => v + 0), [0, 2, 2, 4, 0, -2, -2, 126, 128, -128, -128]);
  });

  it('rounds non-ties to nearest and keeps integers and huge values', () => {
    assert.deepEqual([0.49999997, 0.50000006, -1.4, -1.6, 7, 2 ** 53 + 2, -(2 ** 60)].map(roundHalfEven), [0, 1, -1, -2, 7, 2 ** 53 + 2, -(2 ** 60)]);
  });

  it('passes NaN and infinities through', () => {
    assert.ok(Number.isNaN(roundHalfEven(NaN)));
    assert.equal(roundHalfEven(Infinity), Infinity);
    assert.equal(roundHalfEven(-Infinity), -Infinity);
  });
});
