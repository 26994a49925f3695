import type { DType } from '../../../shared/vocab/dtypes';
import { GGML_DTYPES, GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';

/** Plain tensor types by ggml_type id. // ggml.h: enum ggml_type */
const PLAIN_GGUF_TYPES: ReadonlyMap<number, DType> = new Map<number, DType>([
  [0, 'F32'],
  [1, 'F16'],
  [24, 'I8'],
  [25, 'I16'],
  [26, 'I32'],
  [27, 'I64'],
  [28, 'F64'],
  [30, 'BF16'],
]);

/** Ids ggml once used and removed: named so the error says why. // ggml.h: enum ggml_type comments */
const REMOVED_GGUF_TYPES: ReadonlyMap<number, string> = new Map([
  [4, 'Q4_2'],
  [5, 'Q4_3'],
  [31, 'Q4_0_4_4'],
  [32, 'Q4_0_4_8'],
  [33, 'Q4_0_8_8'],
  [36, 'IQ4_NL_4_4'],
  [37, 'IQ4_NL_4_8'],
  [38, 'IQ4_NL_8_8'],
]);

const BY_ID: ReadonlyMap<number, DType> = new Map<number, DType>([
  ...PLAIN_GGUF_TYPES,
  ...GGML_DTYPES.map((t) => [GGML_LAYOUTS[t].id, t] as const),
]);

/** The DType of a GGUF tensor type id, or a reason it has none. */
export function ggufTensorType(id: number): { dtype: DType } | { error: string } {
  const dtype = BY_ID.get(id);
  if (dtype) return { dtype };
  const removed = REMOVED_GGUF_TYPES.get(id);
  if (removed) return { error: `tensor type ${id} (${removed}) was removed from ggml and GGUF; re-convert the model` };
  return { error: `unknown tensor type id ${id}` };
}
