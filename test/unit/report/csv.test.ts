import * as assert from 'node:assert/strict';
import { renderCsv } from '../../../src/core/report/csv';
import { sampleReport } from './sampleReport';

/** RFC 4180 parser, independent of the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; }
    else field += c;
  }
  assert.equal(field, '', 'text must end with CRLF');
  return rows;
}

describe('report: CSV', () => {
  const rows = parseCsv(renderCsv(sampleReport()));
  const [header, ...body] = rows;
  const column = (name: string): number => {
    const i = header!.indexOf(name);
    assert.ok(i >= 0, `no column ${name}`);
    return i;
  };

  it('has one row per tensor and configuration, all as wide as the header', () => {
    assert.equal(body.length, 4);
    for (const r of body) assert.equal(r.length, header!.length);
  });

  it('round-trips names holding commas, quotes and pipes', () => {
    assert.deepEqual(body.map((r) => r[column('tensor')]), ['fc1.weight', 'fc1.weight', 'odd,name|"x"', 'odd,name|"x"']);
  });

  it('writes numbers that parse back exactly, and leaves non-finite and null cells empty', () => {
    assert.equal(Number(body[0]![column('mse')]), 1e-6);
    assert.equal(body[0]![column('bits')], '8');
    assert.equal(body[0]![column('config')], 'int8 sym tensor');
    assert.equal(body[2]![column('sqnr_db')], '');
    assert.equal(body[3]![column('mean_rel_err_pct')], '');
    assert.equal(body[0]![column('format')], '');
  });
});
