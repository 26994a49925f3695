/**
 * onnxruntime's calibration tables (quantization/quant_utils.py `write_calibration_table`):
 * `calibration.cache` is text, one `<tensor> <value>` line per tensor sorted by name, value =
 * str(max(highest, lowest)) of the float32 range; `calibration.json` is json.dumps of the
 * {tensor: TensorData} cache with numpy scalars as {"data", "dtype", "CLS": "numpy.array"}.
 * (The third file, calibration.flatbuffers, is not written.)
 */
import type { CalibrationReport } from '../../../shared/calibTypes';
import { FormatError } from '../../errors';
import { pythonFloatRepr } from './pythonFloat';

export interface TableRange {
  readonly name: string;
  readonly lowest: number;
  readonly highest: number;
}

/** The range of `method` for every activation. */
export function tableRanges(report: CalibrationReport, method: string): TableRange[] {
  return report.activations.map((a) => {
    const m = a.methods[method];
    if (!m) throw new RangeError(`method ${method} was not computed`);
    return { name: a.name, lowest: Math.fround(m.min), highest: Math.fround(m.max) };
  });
}

function byName(ranges: readonly TableRange[]): TableRange[] {
  // Python's sorted() on str compares code points, as this does.
  return [...ranges].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function ortCalibrationCache(ranges: readonly TableRange[]): string {
  return byName(ranges).map((r) => `${r.name} ${pythonFloatRepr(Math.max(r.highest, r.lowest))}\n`).join('');
}

export function parseOrtCalibrationCache(text: string): Map<string, number> {
  const out = new Map<string, number>();
  text.split('\n').forEach((line, i) => {
    if (line === '') return;
    const at = line.lastIndexOf(' ');
    const value = Number(line.slice(at + 1).replace(/^inf$/, 'Infinity'));
    if (at <= 0 || Number.isNaN(value)) throw new FormatError('ort-calibration', `line ${i + 1}: expected '<tensor> <value>'`);
    out.set(line.slice(0, at), value);
  });
  return out;
}

function numpyScalar(v: number): { data: number; dtype: string; CLS: string } {
  return { data: v, dtype: 'float32', CLS: 'numpy.array' };
}

export function ortCalibrationJson(ranges: readonly TableRange[]): string {
  const cache: Record<string, unknown> = {};
  for (const r of ranges) cache[r.name] = { lowest: numpyScalar(r.lowest), highest: numpyScalar(r.highest), CLS: 'TensorData' };
  return JSON.stringify(cache);
}

export function parseOrtCalibrationJson(text: string): TableRange[] {
  const parsed = JSON.parse(text) as Record<string, { lowest?: { data?: unknown }; highest?: { data?: unknown } }>;
  return Object.entries(parsed).map(([name, v]) => {
    const lowest = v.lowest?.data;
    const highest = v.highest?.data;
    if (typeof lowest !== 'number' || typeof highest !== 'number') throw new FormatError('ort-calibration', `${name}: lowest/highest missing`);
    return { name, lowest, highest };
  });
}
