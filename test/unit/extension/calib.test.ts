import * as assert from 'assert';
import { DEFAULT_WEIGHT_CONFIGS } from '../../../src/core/calib/ptq/configs';
import { blockStatsProblem, computeBlockStats, MAX_BARS, type ValueReader } from '../../../src/extension/blockStats';
import { dataChoice, rankDataFiles } from '../../../src/extension/calibFiles';
import type { TensorSummary } from '../../../src/shared/analysisTypes';
import { DEFAULT_CALIB_SETTINGS, DEFAULT_PTQ_SETTINGS } from '../../../src/shared/calibPanelProtocol';

/** A tensor whose values are their own flat index: every block's range is known exactly. */
function indexTensor(shape: number[]): { summary: TensorSummary; reader: ValueReader; reads: number[] } {
  const numel = shape.reduce((a, b) => a * b, 1);
  const reads: number[] = [];
  const reader: ValueReader = {
    values: (_paths, _name, start, count) => {
      reads.push(count);
      return Promise.resolve(Float32Array.from({ length: count }, (_, i) => start + i));
    },
  };
  return { summary: { name: 'w', dtype: 'F32', shape, numel, byteLength: numel * 4, source: 'w' }, reader, reads };
}

describe('extension: calibration helpers', () => {
  it('offers the likeliest data file first', () => {
    const names = ['test.npz', 'model.onnx', 'calib.npy', 'notes.txt', 'extra.npy'];
    assert.deepStrictEqual(rankDataFiles(names, 'calibrate'), ['calib.npy', 'extra.npy', 'test.npz']);
    assert.deepStrictEqual(rankDataFiles(names, 'ptq'), ['test.npz', 'calib.npy', 'extra.npy']);
  });

  it('reads PTQ inputs from x of an .npz unless told otherwise; calibration takes the only array', () => {
    assert.deepStrictEqual(dataChoice('/d/test.npz', 'ptq'), { path: '/d/test.npz', inputKey: 'x' });
    assert.deepStrictEqual(dataChoice('/d/test.npz', 'calibrate'), { path: '/d/test.npz', inputKey: null });
    assert.deepStrictEqual(dataChoice('/d/test.npz', 'ptq', 'inputs'), { path: '/d/test.npz', inputKey: 'inputs' });
    assert.deepStrictEqual(dataChoice('/d/calib.npy', 'ptq'), { path: '/d/calib.npy', inputKey: null });
  });

  it('keeps the panel defaults in step with the CLI', () => {
    assert.deepStrictEqual(DEFAULT_PTQ_SETTINGS.weights, [...DEFAULT_WEIGHT_CONFIGS]);
    assert.deepStrictEqual(DEFAULT_CALIB_SETTINGS, { bits: 8, mode: 'asymmetric', convention: 'lecture' });
  });
});

describe('extension: per-channel and per-group ranges', () => {
  it('takes each output channel\'s absmax and max − min', async () => {
    const { summary, reader } = indexTensor([3, 4]);
    const s = await computeBlockStats(reader, ['f'], summary, { tensor: 'w', granularity: 'channel', groupSize: null });
    assert.deepStrictEqual(s.absMax, [3, 7, 11]);
    assert.deepStrictEqual(s.span, [3, 3, 3]);
    assert.strictEqual(s.blocks, 3);
    assert.strictEqual(s.pooled, 1);
  });

  it('splits rows into groups along the last axis, the last group of a row short', async () => {
    const { summary, reader } = indexTensor([2, 5]);
    const s = await computeBlockStats(reader, ['f'], summary, { tensor: 'w', granularity: 'group', groupSize: 2 });
    // Rows [0..4] and [5..9] in groups {0,1} {2,3} {4} | {5,6} {7,8} {9}.
    assert.deepStrictEqual(s.absMax, [1, 3, 4, 6, 8, 9]);
    assert.deepStrictEqual(s.span, [1, 1, 0, 1, 1, 0]);
  });

  it('pools consecutive blocks by their largest value when there are more than a chart can draw', async () => {
    const rows = MAX_BARS * 2 + 1;
    const { summary, reader, reads } = indexTensor([rows, 1]);
    const s = await computeBlockStats(reader, ['f'], summary, { tensor: 'w', granularity: 'channel', groupSize: null });
    assert.strictEqual(s.blocks, rows);
    assert.strictEqual(s.pooled, 3);
    assert.strictEqual(s.absMax.length, Math.ceil(rows / 3));
    assert.deepStrictEqual(s.absMax.slice(0, 2), [2, 5]);
    assert.strictEqual(reads.length, 1, 'one bounded read');
  });

  it('refuses vectors and bad group sizes', () => {
    const vector: TensorSummary = { name: 'b', dtype: 'F32', shape: [8], numel: 8, byteLength: 32, source: 'b' };
    assert.match(blockStatsProblem(vector, { tensor: 'b', granularity: 'channel', groupSize: null }) ?? '', /rank 2/);
    const { summary } = indexTensor([2, 4]);
    assert.match(blockStatsProblem(summary, { tensor: 'w', granularity: 'group', groupSize: 0 }) ?? '', /Group size/);
    assert.strictEqual(blockStatsProblem(summary, { tensor: 'w', granularity: 'group', groupSize: 2 }), null);
  });
});
