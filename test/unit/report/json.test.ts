import * as assert from 'node:assert/strict';
import { renderJson } from '../../../src/core/report/json';
import { sampleReport } from './sampleReport';

describe('report: JSON', () => {
  const text = renderJson(sampleReport());
  const doc = JSON.parse(text) as Record<string, unknown>;

  it('is one line of JSON with the top-level fields of CLI.md', () => {
    assert.equal(text.trimEnd().includes('\n'), false);
    assert.deepEqual(Object.keys(doc).slice(0, 5), ['file', 'format', 'convention', 'tensors', 'skipped']);
    assert.deepEqual(doc.skipped, [{ name: 'steps', dtype: 'I64', reason: 'integer tensor' }]);
  });

  it('lists each tensor with its CLI.md fields first and every result', () => {
    const tensors = doc.tensors as Array<Record<string, unknown>>;
    assert.equal(tensors.length, 2);
    assert.deepEqual(Object.keys(tensors[0]!).slice(0, 6), ['name', 'dtype', 'shape', 'numel', 'stats', 'results']);
    const results = tensors[0]!.results as Array<Record<string, unknown>>;
    assert.deepEqual(results.map((r) => r.bits), [8, 4]);
    for (const key of ['kind', 'mode', 'granularity', 'groupSize', 'range', 'scale', 'zeroPoint', 'degenerate', 'mse', 'maxAbsErr', 'meanRelErrPct', 'sqnrDb', 'cosine']) {
      assert.ok(key in results[0]!, `result lacks ${key}`);
    }
  });

  it('never holds NaN or Infinity: non-finite numbers become null', () => {
    assert.doesNotMatch(text, /NaN|Infinity/);
    const second = (doc.tensors as Array<{ stats: { mean: unknown }; results: Array<Record<string, unknown>> }>)[1]!;
    assert.equal(second.stats.mean, null);
    assert.equal(second.results[0]!.sqnrDb, null);
    assert.equal(second.results[1]!.meanRelErrPct, null);
  });
});
