/**
 * Every calibration table QuantLens writes, one entry each: the CLI's `calibrate --format` and the
 * extension's Export Calibration Table both render through `calibrationTable`, so their bytes agree.
 */
import type { RangeMethod } from '../../../shared/analysisTypes';
import type { CalibTableFormat } from '../../../shared/calibPanelProtocol';
import type { CalibrationReport } from '../../../shared/calibTypes';
import { toJsonValue } from '../../jsonValue';
import { ortCalibrationCache, ortCalibrationJson, tableRanges } from './ortTable';
import { tensorrtCalibrationCache } from './tensorrtTable';

export interface CalibTableSpec {
  /** What the file holds, for a picker. */
  readonly description: string;
  /** The file name the tool that reads the table expects, from the model's name without `.onnx`. */
  fileName(modelBase: string): string;
  /** The table's text; tables of one method carry `method`'s ranges, the JSON report every method's. */
  render(report: CalibrationReport, method: RangeMethod): string;
}

export const CALIB_TABLES: { readonly [F in CalibTableFormat]: CalibTableSpec } = {
  json: {
    description: 'the calibrate --json report: every activation, every method',
    fileName: (base) => `${base}.calibration.json`,
    render: (report) => `${JSON.stringify(toJsonValue(report))}\n`,
  },
  // onnxruntime writes calibration.cache / calibration.json (quant_utils.py write_calibration_table).
  ort: {
    description: 'onnxruntime calibration.cache (one method\'s ranges)',
    fileName: () => 'calibration.cache',
    render: (report, method) => ortCalibrationCache(tableRanges(report, method)),
  },
  'ort-json': {
    description: 'onnxruntime calibration.json (one method\'s ranges)',
    fileName: () => 'calibration.json',
    render: (report, method) => ortCalibrationJson(tableRanges(report, method)),
  },
  tensorrt: {
    description: 'TensorRT EntropyCalibration2 cache (one method\'s scales)',
    fileName: (base) => `${base}.trt.cache`,
    render: (report, method) => tensorrtCalibrationCache(tableRanges(report, method)),
  },
};

/** The text of one calibration table. */
export function calibrationTable(report: CalibrationReport, format: CalibTableFormat, method: RangeMethod): string {
  return CALIB_TABLES[format].render(report, method);
}
