import { assertNever } from '../../shared/assertNever';
import type { GgmlDType } from '../../shared/vocab/dtypes';
import { GGML_TYPES } from '../quant/ggml/index';
import type { PlanTensor, PlanType } from './planTypes';

/** Bytes per value of the plain float types a plan can assign. */
const FLOAT_BYTES = { F32: 4, F16: 2, BF16: 2 } as const;
type FloatType = keyof typeof FLOAT_BYTES;

/**
 * A way to store one tensor. The solver and the exports reason over candidates; a new storage
 * format (int-k groups, NF4, NVFP4, ...) is a new variant here plus its case in `candidateBytes`.
 */
export type Candidate =
  | { readonly kind: 'ggml'; readonly type: GgmlDType }
  | { readonly kind: 'float'; readonly type: FloatType }
  | { readonly kind: 'keep' };

/** ggml's block layout of a type (type_traits: blck_size, type_size). */
export function ggmlLayout(type: GgmlDType): { readonly blockSize: number; readonly typeSize: number } {
  const traits = GGML_TYPES.get(type);
  if (!traits) throw new Error(`ggml type ${type} has no layout in the type table`);
  return traits;
}

function isFloatType(type: PlanType): type is FloatType {
  return Object.prototype.hasOwnProperty.call(FLOAT_BYTES, type);
}

/** ggml block types (what ggml_is_quantized calls quantized), as opposed to plain floats. */
export function isGgmlType(type: PlanType): type is GgmlDType {
  return !isFloatType(type);
}

export function candidateOf(type: PlanType): Candidate {
  return isFloatType(type) ? { kind: 'float', type } : { kind: 'ggml', type };
}

/** Values per storage block: ggml's block size, 1 for plain floats. */
export function blockSizeOf(type: PlanType): number {
  return isFloatType(type) ? 1 : ggmlLayout(type).blockSize;
}

/** True when a row of `rowLength` values is a whole number of the type's blocks (ggml stores whole blocks per row). */
export function rowFits(type: PlanType, rowLength: number): boolean {
  return rowLength % blockSizeOf(type) === 0;
}

/** Rows of a tensor in ggml's sense: every dimension but ne[0]. */
export function rowCount(ne: readonly number[]): number {
  return ne.slice(1).reduce((n, d) => n * d, 1);
}

/** Stored bytes of one row. // ggml.c: ggml_row_size = type_size * ne / blck_size */
export function rowBytes(type: PlanType, rowLength: number): number {
  if (isFloatType(type)) return FLOAT_BYTES[type] * rowLength;
  const { blockSize, typeSize } = ggmlLayout(type);
  if (rowLength % blockSize !== 0) throw new Error(`a row of ${rowLength} values is not a whole number of ${type} blocks (${blockSize})`);
  return (rowLength / blockSize) * typeSize;
}

/** Stored bytes of a tensor under `type`, as llama-quantize computes them (rows times row size). */
export function typeBytes(type: PlanType, ne: readonly number[]): number {
  return rowCount(ne) * rowBytes(type, ne[0] ?? 1);
}

/** Stored bytes of `tensor` under a candidate, or null when the candidate cannot store it (rows not whole blocks). */
export function candidateBytes(candidate: Candidate, tensor: PlanTensor): number | null {
  switch (candidate.kind) {
    case 'keep':
      return tensor.bytes;
    case 'float':
    case 'ggml':
      return rowFits(candidate.type, tensor.ne[0] ?? 1) ? typeBytes(candidate.type, tensor.ne) : null;
    default:
      return assertNever(candidate, 'candidate');
  }
}
