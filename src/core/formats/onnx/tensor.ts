import { PLAIN_DTYPES } from '../../../shared/vocab/dtypes';
import { FIXED_WIDTH, RepeatedScalar, type ScalarEncoding } from '../../protobuf/repeatedScalar';
import { countVarints } from '../../protobuf/varintRunData';
import { WIRE_LEN, type Field, type ProtoWalker, type Span } from '../../protobuf/walker';
import { dataTypeName, ONNX_DATA_TYPES, ONNX_DTYPE, type TypedField } from './dataTypes';
import { MAX_DIMS, MAX_NAME_BYTES, VARINT_COUNT_AT_OPEN_BYTES } from './limits';
import type { SkippedTensor, TensorPlan, TensorStorage } from './plan';
import { DATA_LOCATION_DEFAULT, DATA_LOCATION_EXTERNAL, ENTRY, TENSOR } from './schema';

/** The fields of one TensorProto, located but not read. */
interface TensorProtoFields {
  name: string;
  readonly dims: number[];
  dataType: number;
  raw: Span | undefined;
  /** Typed fields present in the message (created when first seen: most tensors use raw_data). */
  readonly typed: Partial<Record<TypedField, RepeatedScalar>>;
  hasStrings: boolean;
  hasSegment: boolean;
  dataLocation: number;
  readonly external: Map<string, string>;
  readonly at: number;
}

/** Reads a TensorProto's header fields; payload fields are only located. */
export async function readTensorProto(walker: ProtoWalker, span: Span): Promise<TensorProtoFields> {
  const t: TensorProtoFields = {
    name: '',
    dims: [],
    dataType: ONNX_DTYPE.UNDEFINED,
    raw: undefined,
    typed: {},
    hasStrings: false,
    hasSegment: false,
    dataLocation: DATA_LOCATION_DEFAULT,
    external: new Map(),
    at: span.offset,
  };
  await walker.walk(span, (f) => {
    switch (f.number) {
      case TENSOR.DIMS: readDims(walker, f, t.dims); break;
      case TENSOR.DATA_TYPE: t.dataType = walker.int32(f, 'TensorProto.data_type'); break;
      case TENSOR.SEGMENT: t.hasSegment = true; break;
      case TENSOR.FLOAT_DATA: typedRun(t, 'float_data').add(f, walker); break;
      case TENSOR.INT32_DATA: typedRun(t, 'int32_data').add(f, walker); break;
      case TENSOR.STRING_DATA: t.hasStrings = true; break;
      case TENSOR.INT64_DATA: typedRun(t, 'int64_data').add(f, walker); break;
      case TENSOR.NAME: t.name = walker.text(f, 'TensorProto.name', MAX_NAME_BYTES); break;
      case TENSOR.RAW_DATA: t.raw = walker.span(f, 'TensorProto.raw_data'); break;
      case TENSOR.DOUBLE_DATA: typedRun(t, 'double_data').add(f, walker); break;
      case TENSOR.UINT64_DATA: typedRun(t, 'uint64_data').add(f, walker); break;
      case TENSOR.DATA_LOCATION: t.dataLocation = walker.int32(f, 'TensorProto.data_location'); break;
      case TENSOR.EXTERNAL_DATA: return readEntry(walker, walker.span(f, 'TensorProto.external_data'), t.external);
    }
    if (t.dims.length > MAX_DIMS) walker.fail(`tensor has more than ${MAX_DIMS} dims`, f.tagOffset);
  }, TENSOR_LOADED);
  return t;
}

// onnx.proto: float_data is repeated float, double_data repeated double, the others varints.
const TYPED_ENCODING: Record<TypedField, ScalarEncoding> = {
  float_data: 'fixed32',
  int32_data: 'varint',
  int64_data: 'varint',
  double_data: 'fixed64',
  uint64_data: 'varint',
};

function typedRun(t: TensorProtoFields, field: TypedField): RepeatedScalar {
  return (t.typed[field] ??= new RepeatedScalar(TYPED_ENCODING[field], field));
}

/** TensorProto fields whose payload the visitor reads. */
const TENSOR_LOADED = new Set<number>([TENSOR.NAME, TENSOR.DIMS]);

/** dims is a repeated int64: packed (one LEN field) or one varint per dim, both legal. */
function readDims(walker: ProtoWalker, field: Field, dims: number[]): void {
  const values = field.wireType === WIRE_LEN ? walker.packedVarints(field, 'TensorProto.dims', MAX_DIMS) : [field];
  for (const v of values) dims.push(walker.count(v, 'dimension'));
}

/** One StringStringEntryProto into `into` (a repeated key wins last, like a proto map). */
export async function readEntry(walker: ProtoWalker, span: Span, into: Map<string, string>, maxValueBytes = MAX_NAME_BYTES): Promise<void> {
  let key = '';
  let value = '';
  await walker.walk(span, (f) => {
    if (f.number === ENTRY.KEY) key = walker.text(f, 'StringStringEntryProto.key', MAX_NAME_BYTES);
    else if (f.number === ENTRY.VALUE) {
      value = f.length > maxValueBytes && f.wireType === WIRE_LEN
        ? `<${f.length} bytes, not read>`
        : walker.text(f, 'StringStringEntryProto.value', maxValueBytes);
    }
  }, ENTRY_LOADED);
  into.set(key, value);
}

const ENTRY_LOADED = new Set<number>([ENTRY.KEY, ENTRY.VALUE]);

/** Elements of a shape, refusing products beyond 2^53 (absurd dims in a corrupt or hostile file). */
export function shapeNumel(walker: ProtoWalker, dims: readonly number[], at: number): number {
  let n = 1;
  for (const d of dims) {
    n *= d;
    if (!Number.isSafeInteger(n)) walker.fail(`shape [${dims.join(', ')}] has more than 2^53 elements`, at);
  }
  return n;
}

/**
 * Decides where a TensorProto's values are, like onnx.numpy_helper.to_array: external data
 * when data_location is EXTERNAL, else raw_data when present, else the type's typed field.
 * Sizes are checked here, so inspect reports a bad tensor without reading it.
 */
export async function planTensor(walker: ProtoWalker, t: TensorProtoFields, name: string, source: string): Promise<TensorPlan | SkippedTensor> {
  const what = `tensor '${name}'`;
  if (t.dataType === ONNX_DTYPE.UNDEFINED) walker.fail(`${what} has no data_type`, t.at);
  const type = ONNX_DATA_TYPES.get(t.dataType);
  if (!type?.dtype || !type.field) {
    const dtype = dataTypeName(t.dataType);
    return { name, dtype, source, reason: type?.name === 'STRING' ? 'string tensor' : `no exact decoder for ${dtype}` };
  }
  if (t.hasSegment) return { name, dtype: type.name, source, reason: 'segmented TensorProto (segment field) is not supported' };
  const numel = shapeNumel(walker, t.dims, t.at);
  const dtype = type.dtype;
  const bytes = numel * PLAIN_DTYPES[dtype].bytes;
  const plan = (storage: TensorStorage): TensorPlan => ({ name, source, dtype, shape: t.dims, numel, storage, at: t.at });

  if (t.dataLocation === DATA_LOCATION_EXTERNAL) return plan(externalStorage(walker, t, what, bytes));
  if (t.dataLocation !== DATA_LOCATION_DEFAULT) walker.fail(`${what} has unknown data_location ${t.dataLocation}`, t.at);
  if (t.raw) {
    if (t.raw.length !== bytes) {
      walker.fail(`${what}: raw_data is ${t.raw.length} bytes but ${dtype} shape [${t.dims.join(', ')}] needs ${bytes}`, t.raw.offset);
    }
    return plan({ kind: 'raw', span: t.raw });
  }
  const run = typedRun(t, type.field);
  for (const [field, other] of Object.entries(t.typed)) {
    if (field !== type.field && !other.isEmpty) walker.fail(`${what}: ${type.name} data stored in ${field}, expected ${type.field}`, t.at);
  }
  if (run.encoding !== 'varint') {
    const count = run.byteLength / FIXED_WIDTH[run.encoding];
    if (count !== numel) walker.fail(`${what}: ${type.field} holds ${count} values but shape [${t.dims.join(', ')}] needs ${numel}`, t.at);
    return plan({ kind: 'fixed', run });
  }
  await checkVarintCount(walker, run, numel, `${what}: ${type.field}`, t.at);
  return plan({ kind: 'varint', run });
}

/** Exact count for small runs; for big ones, what the byte length allows (1..10 bytes per varint). */
export async function checkVarintCount(walker: ProtoWalker, run: RepeatedScalar, numel: number, what: string, at: number): Promise<void> {
  if (run.byteLength <= VARINT_COUNT_AT_OPEN_BYTES) {
    const count = await countVarints(walker.src.source, walker.format, run);
    if (count !== numel) walker.fail(`${what} holds ${count} values but the shape needs ${numel}`, at);
  } else if (run.byteLength < numel || run.byteLength > numel * 10) {
    walker.fail(`${what} is ${run.byteLength} bytes, impossible for ${numel} varints`, at);
  }
}

/** The external_data entries of a tensor: location, offset, length (checksum is not verified). */
function externalStorage(walker: ProtoWalker, t: TensorProtoFields, what: string, bytes: number): TensorStorage {
  const location = t.external.get('location');
  if (location === undefined) walker.fail(`${what}: external data has no 'location'`, t.at);
  const offset = externalNumber(walker, t, 'offset', what) ?? 0;
  const length = externalNumber(walker, t, 'length', what);
  if (length !== undefined && length !== bytes) {
    walker.fail(`${what}: external data length ${length} but the shape needs ${bytes} bytes`, t.at);
  }
  return { kind: 'external', location, offset, length: bytes };
}

function externalNumber(walker: ProtoWalker, t: TensorProtoFields, key: string, what: string): number | undefined {
  const text = t.external.get(key);
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) walker.fail(`${what}: external data ${key} '${text}' is not a byte count`, t.at);
  return value;
}
