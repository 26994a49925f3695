import type { PlainDType } from '../../../shared/vocab/dtypes';
import { bf16ToF32, f16ToF32, F8_E4M3_TABLE, F8_E5M2_TABLE } from '../../numeric/floats';
import { varintToInt64, varintToUint64 } from '../../protobuf/varint';
import type { VarintSink } from '../../protobuf/varintRunData';

/**
 * How a typed-field varint becomes a value of each dtype, as onnx.numpy_helper.to_array does
 * it: int32_data values are cast to the narrower integer (wrapping, like numpy astype),
 * BOOL is "non-zero", FLOAT16/BFLOAT16/FLOAT8 hold bit patterns in the low 16/8 bits,
 * uint64_data holds UINT32 and UINT64.
 */
export const VARINT_SINKS: Partial<Record<PlainDType, VarintSink>> = {
  I32: { create(n) { const values = new Int32Array(n); return { values, set: (i, lo) => { values[i] = lo; } }; } },
  I16: { create(n) { const values = new Int16Array(n); return { values, set: (i, lo) => { values[i] = lo; } }; } },
  I8: { create(n) { const values = new Int8Array(n); return { values, set: (i, lo) => { values[i] = lo; } }; } },
  U16: { create(n) { const values = new Uint16Array(n); return { values, set: (i, lo) => { values[i] = lo; } }; } },
  U8: { create(n) { const values = new Uint8Array(n); return { values, set: (i, lo) => { values[i] = lo; } }; } },
  BOOL: { create(n) { const values = new Uint8Array(n); return { values, set: (i, lo) => { values[i] = lo !== 0 ? 1 : 0; } }; } },
  F16: { create(n) { const values = new Float32Array(n); return { values, set: (i, lo) => { values[i] = f16ToF32(lo & 0xffff); } }; } },
  BF16: { create(n) { const values = new Float32Array(n); return { values, set: (i, lo) => { values[i] = bf16ToF32(lo & 0xffff); } }; } },
  F8_E4M3: { create(n) { const values = new Float32Array(n); return { values, set: (i, lo) => { values[i] = F8_E4M3_TABLE[lo & 0xff]!; } }; } },
  F8_E5M2: { create(n) { const values = new Float32Array(n); return { values, set: (i, lo) => { values[i] = F8_E5M2_TABLE[lo & 0xff]!; } }; } },
  I64: { create(n) { const values = new BigInt64Array(n); return { values, set: (i, lo, hi) => { values[i] = varintToInt64(lo, hi); } }; } },
  U64: { create(n) { const values = new BigUint64Array(n); return { values, set: (i, lo, hi) => { values[i] = varintToUint64(lo, hi); } }; } },
  U32: { create(n) { const values = new Uint32Array(n); return { values, set: (i, lo) => { values[i] = lo; } }; } },
};
