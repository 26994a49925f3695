import * as assert from 'node:assert/strict';
import type { ComparedPairView } from '../../../src/shared/compareTypes';
import { filterPairs, findingPair, movedIndex, nextSort, pairCells, pairKey, sortPairs } from '../../../webview/compareRows';

const pair = (reference: string, candidate: string, sqnrDb: number | null, extra: Partial<ComparedPairView> = {}): ComparedPairView => ({
  reference, candidate, referenceDtype: 'BF16', candidateDtype: 'Q4_K', shape: [4, 8], transform: 'none',
  mse: 1e-4, maxAbsErr: 0.03, sqnrDb, cosine: 0.99, relFrobenius: 0.1, nonFinite: { reference: 0, candidate: 0 }, requantizedSqnrDb: null, ...extra,
});

const PAIRS = [
  pair('model.layers.10.mlp.up_proj.weight', 'blk.10.ffn_up.weight', 20.5),
  pair('model.layers.2.self_attn.q_proj.weight', 'blk.2.attn_q.weight', 12.25, { transform: 'rope-permute', candidateDtype: 'Q2_K' }),
  pair('model.norm.weight', 'output_norm.weight', null, { candidateDtype: 'F32', relFrobenius: null }),
  pair('model.layers.2.mlp.up_proj.weight', 'blk.2.ffn_up.weight', 20.5),
];
const names = (ps: readonly ComparedPairView[]): string[] => ps.map((p) => p.candidate);

describe('Compare panel rows', () => {
  it('sorts by SQNR worst first, exact last, ties in file order; descending reverses', () => {
    assert.deepEqual(names(sortPairs(PAIRS, { column: 'sqnr', descending: false })), ['blk.2.attn_q.weight', 'blk.10.ffn_up.weight', 'blk.2.ffn_up.weight', 'output_norm.weight']);
    assert.deepEqual(names(sortPairs(PAIRS, { column: 'sqnr', descending: true })), ['output_norm.weight', 'blk.10.ffn_up.weight', 'blk.2.ffn_up.weight', 'blk.2.attn_q.weight']);
  });

  it('sorts names in natural order (layer 2 before layer 10)', () => {
    assert.deepEqual(names(sortPairs(PAIRS, { column: 'candidate', descending: false })), ['blk.2.attn_q.weight', 'blk.2.ffn_up.weight', 'blk.10.ffn_up.weight', 'output_norm.weight']);
    assert.deepEqual(names(sortPairs(PAIRS, { column: 'relFrob', descending: true })).slice(0, 1), ['output_norm.weight']);
  });

  it('filters on every word, case-insensitive, over names, type and transform', () => {
    assert.deepEqual(names(filterPairs(PAIRS, 'ROPE')), ['blk.2.attn_q.weight']);
    assert.deepEqual(names(filterPairs(PAIRS, 'up_proj layers.2.')), ['blk.2.ffn_up.weight']);
    assert.deepEqual(names(filterPairs(PAIRS, '  ')), names(PAIRS));
    assert.deepEqual(filterPairs(PAIRS, 'q8_0'), []);
  });

  it('a header click flips its own column and starts another ascending', () => {
    assert.deepEqual(nextSort({ column: 'sqnr', descending: false }, 'sqnr'), { column: 'sqnr', descending: true });
    assert.deepEqual(nextSort({ column: 'sqnr', descending: true }, 'cosine'), { column: 'cosine', descending: false });
  });

  it('formats cells with units, exact and missing values', () => {
    const cells = pairCells(PAIRS[1]!);
    assert.equal(cells.sqnr, '12.25 dB');
    assert.equal(cells.transform, 'rope-permute');
    assert.equal(cells.maxErr, '0.03000');
    assert.equal(pairCells(PAIRS[2]!).sqnr, 'exact');
    assert.equal(pairCells(PAIRS[2]!).relFrob, '–');
    assert.equal(pairCells({ ...PAIRS[0]!, candidateDtype: 'F32', candidateStorage: 'gptq' }).type, 'gptq');
    assert.deepEqual(names(filterPairs([{ ...PAIRS[0]!, candidateStorage: 'awq' }, PAIRS[1]!], 'AWQ')), ['blk.10.ffn_up.weight']);
  });

  it('links a finding to its measured pair, and keys pairs by both names', () => {
    assert.equal(findingPair({ kind: 'non-finite', tensor: 'blk.2.ffn_up.weight', message: '' }, PAIRS), PAIRS[3]);
    assert.equal(findingPair({ kind: 'file-type-mix', tensor: null, message: '' }, PAIRS), undefined);
    assert.notEqual(pairKey({ reference: 'a', candidate: 'b.c' }), pairKey({ reference: 'a.b', candidate: 'c' }));
  });

  it('moves the selection with arrows, pages, Home and End, within the rows', () => {
    assert.equal(movedIndex('ArrowDown', 0, 4, 10), 1);
    assert.equal(movedIndex('ArrowDown', 3, 4, 10), 3);
    assert.equal(movedIndex('ArrowUp', 0, 4, 10), 0);
    assert.equal(movedIndex('PageDown', 1, 40, 10), 11);
    assert.equal(movedIndex('End', 1, 40, 10), 39);
    assert.equal(movedIndex('Home', 9, 40, 10), 0);
    assert.equal(movedIndex('Enter', 1, 4, 10), null);
    assert.equal(movedIndex('ArrowDown', 0, 0, 10), null);
  });
});
