import * as assert from 'node:assert/strict';
import type { PlanRow, PlanShown } from '../../../src/shared/planPanelProtocol';
import { compareRows, differenceSentence, differs, layerLabel, signedPct, tableEntries } from '../../../webview/planRows';

function row(name: string, layer: number | null, type: string, bytes: number, damage: number | null): PlanRow {
  return { name, role: name.split('.').at(-2) ?? '', layer, type, bytes, requested: null, reason: 'r', relErr: damage === null ? null : Math.sqrt(damage), damage };
}

function shown(label: string, rows: PlanRow[]): PlanShown {
  const totalBytes = rows.reduce((n, r) => n + r.bytes, 0);
  const damage = rows.every((r) => r.damage !== null) ? rows.reduce((n, r) => n + (r.damage ?? 0), 0) : null;
  return { label, rows, totalBytes, totalValues: 1000, bitsPerWeight: (8 * totalBytes) / 1000, damage };
}

const REFERENCE = shown('Q4_K_M', [
  row('token_embd.weight', null, 'Q4_K', 400, 0.1),
  row('blk.0.attn_v.weight', 0, 'Q6_K', 200, 0.05),
  row('blk.0.ffn_down.weight', 0, 'Q4_K', 150, 0.2),
  row('blk.1.ffn_down.weight', 1, 'Q4_K', 150, 0.1),
  row('output.weight', null, 'Q6_K', 100, 0.05),
]);
const PLAN = shown('4.50 bpw', [
  row('token_embd.weight', null, 'Q4_K', 400, 0.1),
  row('blk.0.attn_v.weight', 0, 'Q4_K', 150, 0.15),
  row('blk.0.ffn_down.weight', 0, 'Q6_K', 200, 0.12),
  row('blk.1.ffn_down.weight', 1, 'Q4_K', 150, 0.1),
  row('output.weight', null, 'Q6_K', 100, 0.05),
]);

describe('webview: Plan tab rows', () => {
  it('pairs every tensor with the reference\'s choice, the bytes and damage it adds, and its share of the damage', () => {
    const rows = compareRows(PLAN, REFERENCE);
    assert.equal(rows.length, 5);
    const down = rows[2]!;
    assert.equal(down.reference?.type, 'Q4_K');
    assert.equal(down.bytesDelta, 50);
    assert.ok(Math.abs(down.damageDelta! - -0.08) < 1e-12);
    assert.ok(Math.abs(down.share! - 0.12 / 0.52) < 1e-12);
    assert.deepEqual(rows.filter(differs).map((r) => r.row.name), ['blk.0.attn_v.weight', 'blk.0.ffn_down.weight']);
    // Without errors there is no share or damage delta.
    const bare = shown('Q5_K_M', PLAN.rows.map((r) => ({ ...r, damage: null, relErr: null })));
    assert.ok(compareRows(bare, REFERENCE).every((r) => r.share === null && r.damageDelta === null));
  });

  it('in the model\'s order, a heading before each layer; sorted by a column, a flat list; diff mode keeps differences', () => {
    const rows = compareRows(PLAN, REFERENCE);
    const ordered = tableEntries(rows, { key: 'order', dir: 1 }, false);
    assert.deepEqual(ordered.map((e) => (e.kind === 'heading' ? `# ${e.text}` : e.row.name)), [
      '# outside the layers', 'token_embd.weight', '# layer 0', 'blk.0.attn_v.weight', 'blk.0.ffn_down.weight',
      '# layer 1', 'blk.1.ffn_down.weight', '# outside the layers', 'output.weight',
    ]);
    const bySize = tableEntries(rows, { key: 'bytes', dir: -1 }, false);
    assert.ok(bySize.every((e) => e.kind === 'tensor'));
    assert.deepEqual(bySize.map((e) => (e.kind === 'tensor' ? e.row.bytes : 0)), [400, 200, 150, 150, 100]);
    // Ties keep the model's order.
    assert.deepEqual(bySize.slice(2, 4).map((e) => (e.kind === 'tensor' ? e.row.name : '')), ['blk.0.attn_v.weight', 'blk.1.ffn_down.weight']);
    const diff = tableEntries(rows, { key: 'order', dir: 1 }, true);
    assert.deepEqual(diff.map((e) => (e.kind === 'heading' ? `# ${e.text}` : e.row.name)), ['# layer 0', 'blk.0.attn_v.weight', 'blk.0.ffn_down.weight']);
    assert.equal(layerLabel(12), 'layer 12');
  });

  it('says what each difference buys, as the design states it', () => {
    const rows = compareRows(PLAN, REFERENCE);
    assert.equal(
      differenceSentence(rows[2]!, PLAN.label, REFERENCE),
      'Q4_K_M puts blk.0.ffn_down.weight at Q4_K; this plan (4.50 bpw) keeps it at Q6_K for +5.0 % size, −40 % predicted damage',
    );
    assert.equal(
      differenceSentence(rows[1]!, PLAN.label, REFERENCE),
      'Q4_K_M puts blk.0.attn_v.weight at Q6_K; this plan (4.50 bpw) lowers it to Q4_K for −5.0 % size, +200 % predicted damage',
    );
    const bare = compareRows(shown('Q5_K_M', PLAN.rows.map((r) => ({ ...r, damage: null }))), REFERENCE);
    assert.equal(differenceSentence(bare[2]!, 'Q5_K_M', REFERENCE), 'Q4_K_M puts blk.0.ffn_down.weight at Q4_K; this plan (Q5_K_M) keeps it at Q6_K for +5.0 % size');
  });

  it('signed percentages', () => {
    assert.equal(signedPct(3, 1000), '+0.3 %');
    assert.equal(signedPct(-400, 1000), '−40 %');
    assert.equal(signedPct(0.01, 1000), '±0 %');
    assert.equal(signedPct(1, 0), '–');
  });
});
