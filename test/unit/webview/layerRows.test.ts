import * as assert from 'node:assert/strict';
import type { IntResult, IntScheme, TensorResult } from '../../../src/shared/analysisTypes';
import type { QuantEstimate, TensorEstimate } from '../../../src/shared/estimateTypes';
import { configLabel } from '../../../src/shared/resultLabels';
import { estimateCell, layerConfigKeys, layerRows, maxErrorCell } from '../../../webview/layerRows';

const SCHEME: IntScheme = { kind: 'int', bits: 8, mode: 'symmetric', granularity: 'tensor', groupSize: null, axis: 0, range: 'minmax', convention: 'lecture' };
const KEY = configLabel(SCHEME);

function exact(name: string, mse: number): TensorResult {
  const r: IntResult = {
    ...SCHEME, axis: null, mse, rmse: Math.sqrt(mse), maxAbsErr: 0.01, meanRelErrPct: 1, sqnrDb: 40, cosine: 0.9999,
    scale: 0.001, zeroPoint: 0, clipMin: -0.127, clipMax: 0.127, scaleMin: 0.001, scaleMax: 0.001, degenerate: false, clippedPct: 0,
  };
  return { name, dtype: 'F32', shape: [4, 8], numel: 32, stats: { min: -0.1, max: 0.1, absMax: 0.1, mean: 0, std: 0.05, nonFinite: 0 }, results: [r] };
}

function estimate(name: string, mse: number, halfWidth: number): TensorEstimate {
  const q: QuantEstimate = {
    scheme: SCHEME, mse: { value: mse, halfWidth }, sqnrDb: { value: 39, halfWidth: 0.5 }, meanRelErrPct: { value: 1.1, halfWidth: 0.1 },
    cosine: { value: 0.9999, halfWidth: 1e-5 }, maxAbsErrLowerBound: 0.008, clippedPct: { value: 0, halfWidth: 0 }, rangeFromSample: true,
  };
  return { name, shape: [4, 8], numel: 32, sampledElements: 16, unitsSampled: 2, unitsTotal: 4, results: [q] };
}

const ALL = { regex: null, role: 'all' } as const;

describe('Layers table rows with progressive estimates', () => {
  it('shows each tensor once: the exact result where it has arrived, else the estimate', () => {
    const estimates = new Map([['a', estimate('a', 2e-6, 1e-7)], ['b', estimate('b', 3e-6, 2e-7)]]);
    const rows = layerRows([exact('a', 1e-6)], estimates, KEY, [8], ALL);
    assert.deepEqual(rows.map((r) => [r.name, r.r?.mse, r.e?.mse.value]), [['a', 1e-6, undefined], ['b', undefined, 3e-6]]);
    assert.equal(rows[1]!.t, undefined);
    assert.deepEqual(rows[1]!.bars, []);
  });

  it('offers the estimated configurations before any exact result, and filters estimate rows as exact ones', () => {
    const estimates = new Map([['model.layers.0.mlp.down_proj.weight', estimate('model.layers.0.mlp.down_proj.weight', 1e-6, 1e-7)], ['b', estimate('b', 1e-6, 1e-7)]]);
    assert.deepEqual(layerConfigKeys([], estimates), [KEY]);
    assert.deepEqual(layerRows([], estimates, KEY, [], { regex: /down/, role: 'all' }).map((r) => r.name), ['model.layers.0.mlp.down_proj.weight']);
    assert.deepEqual(layerRows([], estimates, 'q4_k', [], ALL).map((r) => r.e), [undefined, undefined], 'a configuration not estimated');
  });

  it('marks estimated cells with ≈ and puts the interval in the tooltip; the max error is a lower bound', () => {
    const e = estimate('b', 3e-6, 2e-7).results[0]!;
    const cell = estimateCell(e.mse, (x) => x.toExponential(1), e.rangeFromSample);
    assert.equal(cell.text, '≈ 3.0e-6');
    assert.match(cell.title, /± 2\.0e-7 \(95 % interval\)/);
    assert.match(cell.title, /scale from the sample's range/);
    assert.match(estimateCell({ value: 1, halfWidth: 0 }, String, false).title, /exact: the whole tensor was read/);
    assert.equal(maxErrorCell(e, String).text, '≥ 0.008');
  });
});
