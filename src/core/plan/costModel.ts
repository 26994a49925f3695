import { assertNever } from '../../shared/assertNever';
import { bytesForType, storageBlock } from '../../shared/vocab/dtypes';
import type { GgmlDType } from '../../shared/vocab/dtypes';
import type { PlanTensor, PlanType } from './planTypes';

/** The plain float types a plan can assign. */
const FLOAT_TYPES = ['F32', 'F16', 'BF16'] as const;
type FloatType = (typeof FLOAT_TYPES)[number];

/**
 * A way to store one tensor. The solver and the exports reason over candidates; a new storage
 * format (int-k groups, NF4, NVFP4, ...) is a new variant here plus its case in `candidateBytes`.
 */
export type Candidate =
  | { readonly kind: 'ggml'; readonly type: GgmlDType }
  | { readonly kind: 'float'; readonly type: FloatType }
  | { readonly kind: 'keep' };

function isFloatType(type: PlanType): type is FloatType {
  return (FLOAT_TYPES as readonly string[]).includes(type);
}

/** ggml block types (what ggml_is_quantized calls quantized), as opposed to plain floats. */
export function isGgmlType(type: PlanType): type is GgmlDType {
  return !isFloatType(type);
}

/** Values per storage block: ggml's block size (the shared type table), 1 for plain floats. */
export function blockSizeOf(type: PlanType): number {
  return storageBlock(type).blockSize;
}

/** True when a row of `rowLength` values is a whole number of the type's blocks (ggml stores whole blocks per row). */
export function rowFits(type: PlanType, rowLength: number): boolean {
  return rowLength % blockSizeOf(type) === 0;
}

/** Rows of a tensor in ggml's sense: every dimension but ne[0]. */
export function rowCount(ne: readonly number[]): number {
  return ne.slice(1).reduce((n, d) => n * d, 1);
}

/** Stored bytes of a tensor under `type`, as llama-quantize computes them: rows times ggml_row_size. */
export function typeBytes(type: PlanType, ne: readonly number[]): number {
  return rowCount(ne) * bytesForType(type, ne[0] ?? 1);
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
