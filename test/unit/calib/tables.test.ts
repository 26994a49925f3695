import * as assert from 'node:assert/strict';
import { ortCalibrationCache, ortCalibrationJson, parseOrtCalibrationCache, parseOrtCalibrationJson } from '../../../src/core/calib/tables/ortTable';
import { pythonFloatRepr } from '../../../src/core/calib/tables/pythonFloat';
import { parseTensorrtCalibrationCache, tensorrtCalibrationCache, tensorrtScale } from '../../../src/core/calib/tables/tensorrtTable';

const RANGES = [
  { name: 'relu', lowest: 0, highest: Math.fround(14.888822555541992) },
  { name: 'fc1', lowest: Math.fround(-15.847644805908203), highest: Math.fround(14.888822555541992) },
  { name: 'tiny', lowest: Math.fround(-1e-5), highest: Math.fround(-2e-6) },
];

describe('calibration tables', () => {
  it('prints floats as Python str() does', () => {
    // Python: str(float(np.float32(x))) for each.
    assert.equal(pythonFloatRepr(Math.fround(14.888822555541992)), '14.888822555541992');
    assert.equal(pythonFloatRepr(1), '1.0');
    assert.equal(pythonFloatRepr(0.0001), '0.0001');
    assert.equal(pythonFloatRepr(Math.fround(-2e-6)), '-1.9999999949504854e-06');
    assert.equal(pythonFloatRepr(1e16), '1e+16');
    assert.equal(pythonFloatRepr(123456789012345.0), '123456789012345.0');
    assert.equal(pythonFloatRepr(-0), '-0.0');
  });

  it('writes ORT calibration.cache sorted by name with max(highest, lowest), and parses it back', () => {
    const text = ortCalibrationCache(RANGES);
    assert.equal(text, 'fc1 14.888822555541992\nrelu 14.888822555541992\ntiny -1.9999999949504854e-06\n');
    const back = parseOrtCalibrationCache(text);
    assert.deepEqual([...back.keys()], ['fc1', 'relu', 'tiny']);
    assert.equal(back.get('tiny'), Math.fround(-2e-6));
  });

  it('writes ORT calibration.json as TensorData with numpy scalars, and parses it back', () => {
    const text = ortCalibrationJson(RANGES);
    assert.deepEqual(JSON.parse(text).fc1, {
      lowest: { data: Math.fround(-15.847644805908203), dtype: 'float32', CLS: 'numpy.array' },
      highest: { data: Math.fround(14.888822555541992), dtype: 'float32', CLS: 'numpy.array' },
      CLS: 'TensorData',
    });
    assert.deepEqual(parseOrtCalibrationJson(text), RANGES);
  });

  it('writes a TensorRT cache (header, hex float32 of amax/127) and parses it back', () => {
    const text = tensorrtCalibrationCache(RANGES);
    const lines = text.split('\n');
    assert.equal(lines[0], 'TRT-8601-EntropyCalibration2');
    // numpy: np.float32(15.847644805908203) / np.float32(127) is 0x3dff8f12.
    assert.equal(lines[2], 'fc1: 3dff8f12');
    const { header, scales } = parseTensorrtCalibrationCache(text);
    assert.equal(header, 'TRT-8601-EntropyCalibration2');
    for (const r of RANGES) assert.equal(scales.get(r.name), tensorrtScale(r));
    assert.throws(() => parseTensorrtCalibrationCache('garbage\n'), /header/);
  });
});
