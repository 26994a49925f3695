import * as assert from 'node:assert/strict';
import { CALIB_TABLES, calibrationTable } from '../../../src/core/calib/tables/calibrationTables';
import { parseOrtCalibrationJson } from '../../../src/core/calib/tables/ortTable';
import { parseTensorrtCalibrationCache } from '../../../src/core/calib/tables/tensorrtTable';
import { CALIB_TABLE_FORMATS } from '../../../src/shared/calibPanelProtocol';
import type { CalibrationReport } from '../../../src/shared/calibTypes';

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

describe('calibration table dispatch', () => {
  it('writes each table with the chosen method', () => {
    assert.equal(calibrationTable(REPORT, 'ort', 'minmax'), 'a 1.0\nb 2.5399999618530273\n');
    const trt = parseTensorrtCalibrationCache(calibrationTable(REPORT, 'tensorrt', 'entropy'));
    assert.equal(trt.header, 'TRT-8601-EntropyCalibration2');
    assert.equal(trt.scales.get('b'), Math.fround(Math.fround(1.27) / 127));
    const ortJson = parseOrtCalibrationJson(calibrationTable(REPORT, 'ort-json', 'entropy'));
    assert.deepEqual(ortJson.find((r) => r.name === 'a'), { name: 'a', lowest: Math.fround(-0.5), highest: Math.fround(0.5) });
    assert.throws(() => calibrationTable(REPORT, 'ort', 'mse'), /mse/);
  });

  it('writes the JSON report whole, whatever the method', () => {
    const json = calibrationTable(REPORT, 'json', 'entropy');
    assert.ok(json.endsWith('}\n'));
    assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(REPORT)));
  });

  it('names every file as the tool that reads it expects', () => {
    assert.deepEqual(
      CALIB_TABLE_FORMATS.map((f) => CALIB_TABLES[f].fileName('resnet')),
      ['resnet.calibration.json', 'calibration.cache', 'calibration.json', 'resnet.trt.cache'],
    );
  });
});
