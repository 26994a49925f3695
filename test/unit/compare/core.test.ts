import * as assert from 'node:assert/strict';
import { compareModels } from '../../../src/core/compare/compareModels';
import { permuteRows, unpermutedRow } from '../../../src/core/compare/ropePermute';
import { safetensorsReader } from '../../../src/core/formats/safetensors';
import type { Model } from '../../../src/core/tensor';
import { openFromBytes } from '../helpers/memoryOpen';
import { f32Safetensors } from './safetensorsBytes';

const open = (tensors: Record<string, { shape: number[]; values: number[] }>): Promise<Model> =>
  openFromBytes(safetensorsReader, { 'm.safetensors': f32Safetensors(tensors) });

describe('compare core', () => {
  it('rope permutation: GGUF rows interleave the two rotary halves of each head, and the inverse undoes it', () => {
    // numpy: np.arange(8).reshape(2, 2, 2).swapaxes(1, 2).reshape(8) = [0 2 1 3 4 6 5 7]
    assert.deepEqual([...Array(8).keys()].map((r) => unpermutedRow(r, 4)), [0, 2, 1, 3, 4, 6, 5, 7]);
    const x = Float32Array.from([...Array(16).keys()]);
    const gguf = permuteRows(x, 8, 2, 4, true);
    assert.deepEqual([...gguf], [0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15]);
    assert.deepEqual([...permuteRows(gguf, 8, 2, 4, false)], [...x]);
  });

  it('a transposed 2-D tensor is paired as "transpose" with exact metrics', async () => {
    const ref = await open({ w: { shape: [2, 3], values: [1, 2, 3, 4, 5, 6] } });
    const cand = await open({ w: { shape: [3, 2], values: [1, 4, 2, 5, 3, 6.5] } });
    const r = await compareModels(ref, cand, { kind: 'auto' });
    const p = r.pairs[0]!;
    assert.equal(p.transform, 'transpose');
    assert.equal(p.mse, 0.25 / 6);
    assert.equal(p.maxAbsErr, 0.5);
    assert.equal(p.sqnrDb, 10 * Math.log10(91 / 0.25));
    assert.equal(p.relFrobenius, Math.sqrt(0.25 / 91));
  });

  it('NaN/Inf in the candidate: a finding, metrics over the finite values', async () => {
    const ref = await open({ a: { shape: [4], values: [1, 2, 3, 4] }, ref_only: { shape: [1], values: [0] } });
    const cand = await open({ a: { shape: [4], values: [1, NaN, 3, Infinity] }, cand_only: { shape: [1], values: [0] } });
    const r = await compareModels(ref, cand, { kind: 'none' });
    assert.deepEqual(r.findings.map((f) => [f.kind, f.tensor, f.message]), [['non-finite', 'a', '2 NaN/Inf in the candidate, 0 in the reference']]);
    assert.equal(r.pairs[0]!.sqnrDb, null);
    assert.deepEqual(r.unpaired, { reference: ['ref_only'], candidate: ['cand_only'] });
  });
});
