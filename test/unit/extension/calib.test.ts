import * as assert from 'assert';
import { DEFAULT_WEIGHT_CONFIGS } from '../../../src/core/calib/ptq/configs';
import { dataChoice, rankDataFiles } from '../../../src/extension/calibFiles';
import { DEFAULT_CALIB_SETTINGS, DEFAULT_PTQ_SETTINGS } from '../../../src/shared/calibPanelProtocol';

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
