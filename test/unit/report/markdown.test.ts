import * as assert from 'node:assert/strict';
import { renderMarkdown } from '../../../src/core/report/markdown';
import { sampleReport } from './sampleReport';

/** Cells of a Markdown table row, with escaped pipes kept inside their cell. */
function cells(line: string): string[] {
  return line.slice(2, -2).split(/(?<!\\) \| /);
}

describe('report: Markdown', () => {
  const text = renderMarkdown(sampleReport());
  const lines = text.split('\n');
  const tableAfter = (heading: string): string[] => {
    const start = lines.indexOf(heading);
    assert.ok(start >= 0, `no heading ${heading}`);
    const rows: string[] = [];
    for (let i = start + 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(lines[i]!);
    return rows;
  };

  it('has a bit-width comparison with one row per configuration', () => {
    const rows = tableAfter('## Bit-width comparison (whole model)');
    assert.equal(rows.length, 2 + 2);
    assert.deepEqual(rows.slice(2).map((r) => cells(r)[0]), ['int8 sym', 'int4 sym']);
  });

  it('has a per-layer table with one row per tensor and configuration, all of equal width', () => {
    const rows = tableAfter('## Per layer');
    assert.equal(rows.length, 2 + 4);
    for (const r of rows) assert.equal(cells(r).length, 8, r);
    assert.match(rows[4]!, /odd,name\\\|"x"/);
  });

  it('lists skipped tensors with their reason', () => {
    assert.match(text, /## Skipped\n\n- `steps` \(I64\): integer tensor/);
  });
});
