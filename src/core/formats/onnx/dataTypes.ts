import type { PlainDType } from '../../../shared/vocab/dtypes';

/**
 * onnx.proto: TensorProto.DataType, the one copy: this lazy reader and the full schema that
 * rewrites models (core/onnxproto/schema.ts) both take it from here.
 */
export const ONNX_DTYPE = {
  UNDEFINED: 0, FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9,
  FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, COMPLEX64: 14, COMPLEX128: 15, BFLOAT16: 16,
  FLOAT8E4M3FN: 17, FLOAT8E4M3FNUZ: 18, FLOAT8E5M2: 19, FLOAT8E5M2FNUZ: 20, UINT4: 21, INT4: 22,
  FLOAT4E2M1: 23, FLOAT8E8M0: 24, UINT2: 25, INT2: 26,
} as const;

type OnnxDTypeName = keyof typeof ONNX_DTYPE;

/** The typed TensorProto field that holds a data type's values when raw_data is absent. */
export type TypedField = 'float_data' | 'int32_data' | 'int64_data' | 'double_data' | 'uint64_data';

export interface OnnxDataType {
  /** The onnx.proto enum name, for messages. */
  readonly name: string;
  /** Our dtype, absent when the type cannot be decoded exactly (listed as skipped instead). */
  readonly dtype?: PlainDType;
  readonly field?: TypedField;
}

/**
 * Which typed field carries each decodable type (onnx.proto: "int32_data: for int32, uint8,
 * int8, uint16, int16, bool, float16 [and bfloat16, float8 bit patterns]"; "uint64_data: for
 * uint64 and uint32"). FNUZ float8s, 2- and 4-bit and complex types have no dtype of ours and
 * are listed as skipped with their name.
 */
const DECODED: Partial<Record<OnnxDTypeName, { dtype: PlainDType; field: TypedField }>> = {
  FLOAT: { dtype: 'F32', field: 'float_data' },
  UINT8: { dtype: 'U8', field: 'int32_data' },
  INT8: { dtype: 'I8', field: 'int32_data' },
  UINT16: { dtype: 'U16', field: 'int32_data' },
  INT16: { dtype: 'I16', field: 'int32_data' },
  INT32: { dtype: 'I32', field: 'int32_data' },
  INT64: { dtype: 'I64', field: 'int64_data' },
  BOOL: { dtype: 'BOOL', field: 'int32_data' },
  FLOAT16: { dtype: 'F16', field: 'int32_data' },
  DOUBLE: { dtype: 'F64', field: 'double_data' },
  UINT32: { dtype: 'U32', field: 'uint64_data' },
  UINT64: { dtype: 'U64', field: 'uint64_data' },
  BFLOAT16: { dtype: 'BF16', field: 'int32_data' },
  FLOAT8E4M3FN: { dtype: 'F8_E4M3', field: 'int32_data' },
  FLOAT8E5M2: { dtype: 'F8_E5M2', field: 'int32_data' },
};

/** Every defined data type by number (UNDEFINED is not a type: a tensor without one is refused). */
export const ONNX_DATA_TYPES: ReadonlyMap<number, OnnxDataType> = new Map(
  (Object.entries(ONNX_DTYPE) as [OnnxDTypeName, number][])
    .filter(([name]) => name !== 'UNDEFINED')
    .map(([name, value]): [number, OnnxDataType] => [value, { name, ...DECODED[name] }]),
);

/** The enum name of a data_type number, or the number itself when this reader does not know it. */
export function dataTypeName(dataType: number): string {
  return ONNX_DATA_TYPES.get(dataType)?.name ?? `data_type ${dataType}`;
}
