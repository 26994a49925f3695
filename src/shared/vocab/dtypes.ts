import { GGML_LAYOUTS, isGgmlDType, type GgmlDType } from './ggmlTypes';

/**
 * Storage types as the formats declare them (CLI.md names). Plain types are here;
 * ggml block types come from the ggml table (ggmlTypes.ts, one entry per type like ggml's type_traits).
 */
export const PLAIN_DTYPES = {
  F64: { bytes: 8, kind: 'float' },
  F32: { bytes: 4, kind: 'float' },
  F16: { bytes: 2, kind: 'float' },
  BF16: { bytes: 2, kind: 'float' },
  F8_E4M3: { bytes: 1, kind: 'float' },
  F8_E5M2: { bytes: 1, kind: 'float' },
  I64: { bytes: 8, kind: 'int' },
  I32: { bytes: 4, kind: 'int' },
  I16: { bytes: 2, kind: 'int' },
  I8: { bytes: 1, kind: 'int' },
  U64: { bytes: 8, kind: 'int' },
  U32: { bytes: 4, kind: 'int' },
  U16: { bytes: 2, kind: 'int' },
  U8: { bytes: 1, kind: 'int' },
  BOOL: { bytes: 1, kind: 'bool' },
} as const satisfies Record<string, { bytes: number; kind: 'float' | 'int' | 'bool' }>;

export type PlainDType = keyof typeof PLAIN_DTYPES;

export type DType = PlainDType | GgmlDType;

export type { GgmlDType };

export function isPlainDType(name: string): name is PlainDType {
  return Object.prototype.hasOwnProperty.call(PLAIN_DTYPES, name);
}

export function isDType(name: string): name is DType {
  return isPlainDType(name) || isGgmlDType(name);
}

/** Float storage (plain floats and every ggml block type) is what quantization analyses. */
export function isFloatDType(dtype: DType): boolean {
  return !isPlainDType(dtype) || PLAIN_DTYPES[dtype].kind === 'float';
}

/** The indivisible unit of a type: 1 value of `bytes` for plain types, a ggml block for block types. */
export function storageBlock(dtype: DType): { readonly blockSize: number; readonly bytesPerBlock: number } {
  if (isPlainDType(dtype)) return { blockSize: 1, bytesPerBlock: PLAIN_DTYPES[dtype].bytes };
  const { blockSize, typeSize } = GGML_LAYOUTS[dtype];
  return { blockSize, bytesPerBlock: typeSize };
}

/**
 * Bytes of `numel` values stored as `dtype` (a tensor, or one row: ggml.c ggml_row_size =
 * type_size * ne / blck_size). A RangeError when they are not a whole number of blocks.
 */
export function bytesForType(dtype: DType, numel: number): number {
  const { blockSize, bytesPerBlock } = storageBlock(dtype);
  if (numel % blockSize !== 0) throw new RangeError(`${numel} values are not a whole number of ${dtype} blocks of ${blockSize}`);
  return (numel / blockSize) * bytesPerBlock;
}
