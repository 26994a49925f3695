import * as assert from 'node:assert/strict';

/** Figures that are float sums: the fast paths add in another order, so they may differ in the last bits. */
const SUMMED = new Set(['mean', 'std', 'mse', 'rmse', 'meanRelErrPct', 'sqnrDb', 'cosine']);
const SUM_RELATIVE_TOLERANCE = 1e-9;

/** Deep equality, exact except the summed figures (relative tolerance); reports the path of the first difference. */
export function assertSame(actual: unknown, expected: unknown, where = 'result'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const key = where.slice(where.lastIndexOf('.') + 1);
    if (SUMMED.has(key) && Number.isFinite(expected)) {
      const tolerance = SUM_RELATIVE_TOLERANCE * Math.max(Math.abs(expected), 1e-300);
      assert.ok(Math.abs(actual - expected) <= tolerance, `${where}: ${actual} vs ${expected}`);
    } else {
      assert.ok(Object.is(actual, expected) || (actual === 0 && expected === 0), `${where}: ${actual} vs ${expected}`);
    }
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: not an array`);
    assert.equal(actual.length, expected.length, `${where}: length`);
    expected.forEach((e, i) => assertSame(actual[i], e, `${where}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${where}: not an object`);
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    assert.deepEqual(Object.keys(a).sort(), Object.keys(e).sort(), `${where}: keys`);
    for (const k of Object.keys(e)) assertSame(a[k], e[k], `${where}.${k}`);
    return;
  }
  assert.deepEqual(actual, expected, where);
}
