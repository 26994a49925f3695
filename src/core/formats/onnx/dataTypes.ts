import type { PlainDType } from '../../../shared/vocab/dtypes';

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
 * onnx.proto: TensorProto.DataType, and which typed field carries each one ("int32_data: for
 * int32, uint8, int8, uint16, int16, bool, float16 [and bfloat16, float8 bit patterns]";
 * "uint64_data: for uint64 and uint32"). FNUZ float8s, 4-bit and complex types have no
 * dtype of ours and are listed as skipped with their name.
 */
export const ONNX_DATA_TYPES: ReadonlyMap<number, OnnxDataType> = new Map<number, OnnxDataType>([
  [1, { name: 'FLOAT', dtype: 'F32', field: 'float_data' }],
  [2, { name: 'UINT8', dtype: 'U8', field: 'int32_data' }],
  [3, { name: 'INT8', dtype: 'I8', field: 'int32_data' }],
  [4, { name: 'UINT16', dtype: 'U16', field: 'int32_data' }],
  [5, { name: 'INT16', dtype: 'I16', field: 'int32_data' }],
  [6, { name: 'INT32', dtype: 'I32', field: 'int32_data' }],
  [7, { name: 'INT64', dtype: 'I64', field: 'int64_data' }],
  [8, { name: 'STRING' }],
  [9, { name: 'BOOL', dtype: 'BOOL', field: 'int32_data' }],
  [10, { name: 'FLOAT16', dtype: 'F16', field: 'int32_data' }],
  [11, { name: 'DOUBLE', dtype: 'F64', field: 'double_data' }],
  [12, { name: 'UINT32', dtype: 'U32', field: 'uint64_data' }],
  [13, { name: 'UINT64', dtype: 'U64', field: 'uint64_data' }],
  [14, { name: 'COMPLEX64' }],
  [15, { name: 'COMPLEX128' }],
  [16, { name: 'BFLOAT16', dtype: 'BF16', field: 'int32_data' }],
  [17, { name: 'FLOAT8E4M3FN', dtype: 'F8_E4M3', field: 'int32_data' }],
  [18, { name: 'FLOAT8E4M3FNUZ' }],
  [19, { name: 'FLOAT8E5M2', dtype: 'F8_E5M2', field: 'int32_data' }],
  [20, { name: 'FLOAT8E5M2FNUZ' }],
  [21, { name: 'UINT4' }],
  [22, { name: 'INT4' }],
  [23, { name: 'FLOAT4E2M1' }],
  [24, { name: 'FLOAT8E8M0' }],
]);

// onnx.proto: TensorProto.DataType.UNDEFINED
export const DATA_TYPE_UNDEFINED = 0;

/** The enum name of a data_type number, or the number itself when this reader does not know it. */
export function dataTypeName(dataType: number): string {
  return ONNX_DATA_TYPES.get(dataType)?.name ?? `data_type ${dataType}`;
}
