/**
 * Storage types as the formats declare them (CLI.md names). Plain types are here;
 * ggml block types come from the ggml table (one entry per type, like ggml's type_traits).
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

/** ggml block types, upper case as CLI.md names them. */
export type GgmlDType =
  | 'Q4_0' | 'Q4_1' | 'Q5_0' | 'Q5_1' | 'Q8_0' | 'Q8_1'
  | 'Q2_K' | 'Q3_K' | 'Q4_K' | 'Q5_K' | 'Q6_K' | 'Q8_K'
  | 'IQ4_NL' | 'IQ4_XS' | 'MXFP4' | 'TQ1_0' | 'TQ2_0'
  | 'IQ2_XXS' | 'IQ2_XS' | 'IQ2_S' | 'IQ3_XXS' | 'IQ3_S' | 'IQ1_S' | 'IQ1_M';

export type DType = PlainDType | GgmlDType;

export function isPlainDType(name: string): name is PlainDType {
  return Object.prototype.hasOwnProperty.call(PLAIN_DTYPES, name);
}

/** Float storage (plain floats and every ggml block type) is what quantization analyses. */
export function isFloatDType(dtype: DType): boolean {
  return !isPlainDType(dtype) || PLAIN_DTYPES[dtype].kind === 'float';
}
