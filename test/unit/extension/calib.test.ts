import * as assert from 'assert';
import { DEFAULT_WEIGHT_CONFIGS } from '../../../src/core/calib/ptq/configs';
import { parseTensorrtCalibrationCache } from '../../../src/core/calib/tables/tensorrtTable';
import { blockStatsProblem, computeBlockStats, MAX_BARS, type ValueReader } from '../../../src/extension/blockStats';
import { calibrationTable, dataChoice, rankDataFiles } from '../../../src/extension/calibFiles';
import type { TensorSummary } from '../../../src/shared/analysisTypes';
import { DEFAULT_CALIB_SETTINGS, DEFAULT_PTQ_SETTINGS } from '../../../src/shared/calibPanelProtocol';
import type { CalibrationReport } from '../../../src/shared/calibTypes';

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

const REPORT: CalibrationReport = {
  model: 'm.onnx', samples: 4, batches: 1, inputs: [], bits: 8, mode: 'asymmetric', convention: 'lecture', methods: ['minmax', 'entropy'],
  activations: [
    { name: 'b', node: 'n1', op: 'Relu', shape: [4, 2], count: 8, nonFinite: 0, min: 0, max: 2.54, histogram: { min: 0, max: 2.54, counts: [1] },
      methods: { minmax: { min: 0, max: 2.54, scale: 0.01, zeroPoint: 0 }, entropy: { min: 0, max: 1.27, scale: 0.005, zeroPoint: 0 } } },
    { name: 'a', node: 'n0', op: 'Gemm', shape: [4, 2], count: 8, nonFinite: 0, min: -1, max: 1, histogram: { min: -1, max: 1, counts: [1] },
      methods: { minmax: { min: -1, max: 1, scale: 2 / 255, zeroPoint: 128 }, entropy: { min: -0.5, max: 0.5, scale: 1 / 255, zeroPoint: 128 } } },
  ],
  notes: [], elapsedMs: 1,
};

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

  it('writes the calibration tables through the core writers, with the chosen method', () => {
    assert.strictEqual(calibrationTable(REPORT, 'ort', 'minmax'), 'a 1.0\nb 2.5399999618530273\n');
    const trt = parseTensorrtCalibrationCache(calibrationTable(REPORT, 'tensorrt', 'entropy'));
    assert.strictEqual(trt.header, 'TRT-8601-EntropyCalibration2');
    assert.strictEqual(trt.scales.get('b'), Math.fround(Math.fround(1.27) / 127));
    assert.strictEqual((JSON.parse(calibrationTable(REPORT, 'json', 'minmax')) as CalibrationReport).activations.length, 2);
    assert.throws(() => calibrationTable(REPORT, 'ort', 'mse'), /mse/);
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
