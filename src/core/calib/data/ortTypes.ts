/** onnxruntime tensor type names and the storage dtypes (CLI.md names) whose values they take as is. */
import type { PlainDType } from '../../../shared/vocab/dtypes';

const DTYPE_OF_ORT_TYPE: Readonly<Record<string, PlainDType>> = {
  float32: 'F32', float64: 'F64', int64: 'I64', int32: 'I32', int16: 'I16', int8: 'I8',
  uint64: 'U64', uint32: 'U32', uint16: 'U16', uint8: 'U8', bool: 'BOOL',
};

/** The dtype an array must have to feed an input of this onnxruntime type; null if not fed from data. */
export function dtypeForOrtType(type: string): PlainDType | null {
  return DTYPE_OF_ORT_TYPE[type] ?? null;
}

export function isFloatOrtType(type: string): boolean {
  return type === 'float32';
}
