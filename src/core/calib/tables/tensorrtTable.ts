/**
 * TensorRT's calibration cache (what IInt8EntropyCalibrator2 writes and reads back): a header
 * line `TRT-<version>-EntropyCalibration2`, then `<tensor>: <hex>` per tensor, where <hex> is the
 * big-endian IEEE-754 bit pattern of the float32 scale in lower-case hex without leading zeros,
 * and scale = amax / 127 (symmetric int8, amax = max|range|).
 */
import { FormatError } from '../../errors';
import type { TableRange } from './ortTable';

/** NV_TENSORRT_VERSION of TensorRT 8.6.1 (8 * 1000 + 6 * 100 + 1), the version most caches in use carry. */
export const TENSORRT_VERSION = 8601;
export const TENSORRT_CALIBRATOR = 'EntropyCalibration2';
/** TensorRT int8 is symmetric on [-127, 127]. */
const INT8_MAX = 127;

export function tensorrtScale(r: TableRange): number {
  return Math.fround(Math.max(Math.abs(r.lowest), Math.abs(r.highest)) / INT8_MAX);
}

function floatHex(v: number): string {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, v);
  return view.getUint32(0).toString(16);
}

export function tensorrtCalibrationCache(ranges: readonly TableRange[], version = TENSORRT_VERSION): string {
  const lines = [`TRT-${version}-${TENSORRT_CALIBRATOR}`, ...ranges.map((r) => `${r.name}: ${floatHex(tensorrtScale(r))}`)];
  return lines.join('\n') + '\n';
}

/** Scales by tensor name. */
export function parseTensorrtCalibrationCache(text: string): { header: string; scales: Map<string, number> } {
  const [header = '', ...lines] = text.split('\n');
  if (!/^TRT-\d+-\w+$/.test(header)) throw new FormatError('tensorrt-calibration', `first line '${header}' is not a TRT-<version>-<calibrator> header`);
  const scales = new Map<string, number>();
  const view = new DataView(new ArrayBuffer(4));
  lines.forEach((line, i) => {
    if (line === '') return;
    const at = line.lastIndexOf(': ');
    const hex = line.slice(at + 2);
    if (at <= 0 || !/^[0-9a-f]{1,8}$/.test(hex)) throw new FormatError('tensorrt-calibration', `line ${i + 2}: expected '<tensor>: <hex float32>'`);
    view.setUint32(0, parseInt(hex, 16));
    scales.set(line.slice(0, at), view.getFloat32(0));
  });
  return { header, scales };
}
