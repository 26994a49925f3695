/**
 * A decoded ONNX model as the storages see it: its nodes (with int / string attributes) and its
 * inline initializers, 4-bit ones included (the ONNX reader skips those), read to values. The
 * payloads must be in the model file: external data is refused here.
 */
import { FormatError } from '../errors';
import type { Values } from '../tensor';
import { f16ToF32, bf16ToF32 } from '../numeric/floats';
import { ONNX_DTYPE } from '../formats/onnx/dataTypes';
import { DATA_LOCATION_EXTERNAL } from '../formats/onnx/schema';
import { ATTRIBUTE_TYPE, int64ToNumber, type AttributeProto, type ModelProto, type TensorProto } from '../onnxproto/types';
import type { CheckpointSummary, GraphNode, MemberInfo, ReadMember } from './storage';

/** The TensorProto data types of the initializers the storages use, with our dtype name and bits per value. */
const INITIALIZER_TYPES: ReadonlyMap<number, { dtype: string; bits: number }> = new Map([
  [ONNX_DTYPE.FLOAT, { dtype: 'F32', bits: 32 }], [ONNX_DTYPE.UINT8, { dtype: 'U8', bits: 8 }], [ONNX_DTYPE.INT8, { dtype: 'I8', bits: 8 }],
  [ONNX_DTYPE.UINT16, { dtype: 'U16', bits: 16 }], [ONNX_DTYPE.INT16, { dtype: 'I16', bits: 16 }], [ONNX_DTYPE.INT32, { dtype: 'I32', bits: 32 }],
  [ONNX_DTYPE.FLOAT16, { dtype: 'F16', bits: 16 }], [ONNX_DTYPE.BFLOAT16, { dtype: 'BF16', bits: 16 }],
  [ONNX_DTYPE.UINT4, { dtype: 'U4', bits: 4 }], [ONNX_DTYPE.INT4, { dtype: 'I4', bits: 4 }],
]);

function attributes(list: readonly AttributeProto[]): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const a of list) {
    if (!a.name) continue;
    if (a.type === ATTRIBUTE_TYPE.INT) out[a.name] = int64ToNumber(a.i);
    // An absent `s` decodes as protobufjs's default (an empty array, not bytes): only real bytes are read.
    else if (a.type === ATTRIBUTE_TYPE.STRING && a.s instanceof Uint8Array) out[a.name] = new TextDecoder().decode(a.s);
  }
  return out;
}

/** Values of `count` elements from raw_data (little-endian; 4-bit codes low nibble first) or the typed field. */
function initializerValues(t: TensorProto, dtype: string, count: number): Values {
  const name = t.name ?? '';
  const raw = t.raw_data && t.raw_data.length > 0 ? t.raw_data : undefined;
  const typed = (): number[] => (dtype === 'F32' ? t.float_data : t.int32_data);
  if (dtype === 'I4' || dtype === 'U4') {
    // int32_data holds the packed bytes too ("for int4 and uint4: packed", onnx.proto).
    const bytes = raw ?? Uint8Array.from(t.int32_data);
    if (bytes.length !== Math.ceil(count / 2)) throw new FormatError('onnx', `tensor '${name}' holds ${bytes.length} bytes, ${Math.ceil(count / 2)} expected`);
    const out = dtype === 'I4' ? new Int8Array(count) : new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const nibble = (bytes[i >> 1]! >> (i % 2 === 0 ? 0 : 4)) & 0xf;
      out[i] = dtype === 'I4' && nibble >= 8 ? nibble - 16 : nibble;
    }
    return out;
  }
  const bytesPer = INITIALIZER_TYPES.get(t.data_type ?? 0)!.bits / 8;
  if (raw && raw.length !== count * bytesPer) throw new FormatError('onnx', `tensor '${name}' holds ${raw.length} bytes, ${count * bytesPer} expected`);
  if (!raw && typed().length !== count) throw new FormatError('onnx', `tensor '${name}' holds ${typed().length} values, ${count} expected`);
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
  const at = (i: number, get: (v: DataView, o: number) => number): number => (view ? get(view, i * bytesPer) : typed()[i]!);
  switch (dtype) {
    case 'F32': return Float32Array.from({ length: count }, (_, i) => at(i, (v, o) => v.getFloat32(o, true)));
    case 'F16': return Float32Array.from({ length: count }, (_, i) => f16ToF32(at(i, (v, o) => v.getUint16(o, true))));
    case 'BF16': return Float32Array.from({ length: count }, (_, i) => bf16ToF32(at(i, (v, o) => v.getUint16(o, true))));
    case 'U8': return Uint8Array.from({ length: count }, (_, i) => at(i, (v, o) => v.getUint8(o)));
    case 'I8': return Int8Array.from({ length: count }, (_, i) => at(i, (v, o) => v.getInt8(o)));
    case 'U16': return Uint16Array.from({ length: count }, (_, i) => at(i, (v, o) => v.getUint16(o, true)));
    case 'I16': return Int16Array.from({ length: count }, (_, i) => at(i, (v, o) => v.getInt16(o, true)));
    default: return Int32Array.from({ length: count }, (_, i) => at(i, (v, o) => v.getInt32(o, true)));
  }
}

/** The summary of a model's main graph and a reader of its initializers. */
export function onnxStorageView(model: ModelProto): { summary: CheckpointSummary; read: ReadMember } {
  const graph = model.graph;
  const initializers = new Map<string, { t: TensorProto; info: MemberInfo }>();
  for (const t of graph?.initializer ?? []) {
    const type = INITIALIZER_TYPES.get(t.data_type ?? 0);
    if (!type || !t.name || t.data_location === DATA_LOCATION_EXTERNAL) continue;
    initializers.set(t.name, { t, info: { name: t.name, dtype: type.dtype, shape: t.dims.map(int64ToNumber) } });
  }
  const nodes: GraphNode[] = (graph?.node ?? []).map((n) => ({
    opType: n.op_type ?? '',
    domain: n.domain ?? '',
    inputs: n.input,
    outputs: n.output,
    attributes: attributes(n.attribute),
  }));
  const read: ReadMember = async (name) => {
    const entry = initializers.get(name);
    if (!entry) throw new FormatError('onnx', `no inline initializer '${name}'`);
    return initializerValues(entry.t, entry.info.dtype, entry.info.shape.reduce((a, b) => a * b, 1));
  };
  return { summary: { tensors: [...initializers.values()].map((e) => e.info), nodes }, read };
}
