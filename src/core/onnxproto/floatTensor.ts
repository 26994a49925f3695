/** Float32 payloads of initializers: read (raw_data or float_data) and replace (as raw_data). */
import { FormatError } from '../errors';
import { ONNX_DTYPE } from '../formats/onnx/dataTypes';
import { DATA_LOCATION_EXTERNAL } from '../formats/onnx/schema';
import { int64ToNumber, type TensorProto } from './types';

export function tensorShape(t: TensorProto): number[] {
  return t.dims.map(int64ToNumber);
}

/** Whether the payload is in this model file as float32 (external data is out of reach here). */
export function isInlineFloat32(t: TensorProto): boolean {
  return t.data_type === ONNX_DTYPE.FLOAT && t.data_location !== DATA_LOCATION_EXTERNAL;
}

/** A copy of the values (raw_data is little-endian, as onnx.proto requires). */
export function readFloat32(t: TensorProto): Float32Array {
  if (!isInlineFloat32(t)) throw new FormatError('onnx', `tensor '${t.name ?? ''}' is not an inline float32 tensor`);
  const count = tensorShape(t).reduce((a, b) => a * b, 1);
  const raw = t.raw_data;
  if (raw && raw.length > 0) {
    if (raw.length !== count * 4) throw new FormatError('onnx', `tensor '${t.name ?? ''}' holds ${raw.length} bytes, its shape needs ${count * 4}`);
    const out = new Float32Array(count);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  if (t.float_data.length !== count) throw new FormatError('onnx', `tensor '${t.name ?? ''}' holds ${t.float_data.length} values, its shape needs ${count}`);
  return Float32Array.from(t.float_data);
}

/** Replaces the values in place (stored as raw_data, which is what exporters write). */
export function writeFloat32(t: TensorProto, values: Float32Array): void {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  t.raw_data = bytes;
  t.float_data = [];
}
