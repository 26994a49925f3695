import * as assert from 'node:assert/strict';
import { modelTotals } from '../../../src/core/report/configs';
import { renderTable } from '../../../src/core/report/table';
import { intResult, sampleReport, tensor } from './sampleReport';

describe('report: terminal table', () => {
  const report = sampleReport();
  const text = renderTable(report, { color: false });

  it('names every tensor once and every configuration under it', () => {
    for (const t of report.tensors) assert.equal(text.split(t.name).length - 1, 1, t.name);
    assert.equal(text.match(/int8 sym/g)?.length, 2 + 1);
    assert.match(text, /Bit-width comparison/);
    assert.match(text, /Skipped 1: steps \(I64, integer tensor\)/);
  });

  it('aligns the per-layer columns', () => {
    const lines = text.split('\n');
    const header = lines.findIndex((l) => l.startsWith('layer'));
    const end = lines.findIndex((l) => l.startsWith('Bit-width comparison'));
    const rows = lines.slice(header + 1, end).filter((l) => l.trim() !== '');
    assert.equal(rows.length, 4);
    const sqnrEnd = lines[header]!.indexOf('SQNR') + 'SQNR'.length;
    for (const line of rows) assert.match(line.slice(sqnrEnd - 2, sqnrEnd), /dB|ct/, line);
  });

  it('prints no escape codes without colour, and some with it', () => {
    assert.doesNotMatch(text, /\x1b/);
    assert.match(renderTable(report, { color: true }), /\x1b\[1m/);
  });

  it('sums the whole model by element count and by energy', () => {
    const tensors = [
      tensor('a', 300, [intResult(8, 'symmetric', 1e-6)], { mean: 0, std: 0.5 }),
      tensor('b', 100, [intResult(8, 'symmetric', 3e-6)], { mean: 1, std: 0, nonFinite: 20 }),
    ];
    const [int8] = modelTotals(tensors);
    assert.ok(int8);
    assert.equal(int8.elements, 380);
    const errorEnergy = 300 * 1e-6 + 80 * 3e-6;
    assert.ok(Math.abs(int8.mse - errorEnergy / 380) < 1e-18);
    // signal energy per finite element is std^2 + mean^2
    assert.ok(Math.abs(int8.sqnrDb! - 10 * Math.log10((300 * 0.25 + 80 * 1) / errorEnergy)) < 1e-9);
  });

  it('reports an exact reconstruction as exact, not as infinite dB', () => {
    const [exact] = modelTotals([tensor('z', 10, [intResult(8, 'symmetric', 0, { sqnrDb: null })])]);
    assert.equal(exact?.sqnrDb, null);
    assert.match(renderTable({ ...report, tensors: [tensor('z', 10, [intResult(8, 'symmetric', 0, { sqnrDb: null })])] }, { color: false }), /exact/);
  });
});
