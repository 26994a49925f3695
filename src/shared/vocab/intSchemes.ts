import { parseRangeMethod } from './rangeMethods';

/**
 * The vocabulary of integer affine schemes and the one home of their rules: the CLI flags, the
 * settings, the picker, scheme expansion (schemeSelection.ts) and core's planSchemes check
 * against these.
 */

/** Integer widths: below 2 there is no symmetric grid, above 8 it is not a weight format. */
export const INT_BITS = { min: 2, max: 8 } as const;
export const INT_MODES = ['symmetric', 'asymmetric'] as const;
export const GRANULARITIES = ['tensor', 'channel', 'group'] as const;
/** Whose formulas give scale and zero point (src/core/quant/affine/conventions.ts). */
export const CONVENTIONS = ['lecture', 'torch', 'onnxruntime'] as const;
/** Groups longer than this are per-channel in all but name; the bound also keeps per-group buffers small. */
export const MAX_GROUP_SIZE = 1 << 20;

export type IntMode = (typeof INT_MODES)[number];
export type Granularity = (typeof GRANULARITIES)[number];
export type Convention = (typeof CONVENTIONS)[number];

/** The fields of an integer scheme the rules look at (analysisTypes' IntScheme has them). */
export interface IntSchemeFields {
  readonly bits: number;
  readonly mode: string;
  readonly granularity: string;
  readonly groupSize: number | null;
  readonly range: string;
  readonly convention: string;
}

export function isIntBits(bits: number): boolean {
  return Number.isInteger(bits) && bits >= INT_BITS.min && bits <= INT_BITS.max;
}

export function isGroupSize(size: number | null): boolean {
  return size !== null && Number.isInteger(size) && size >= 1 && size <= MAX_GROUP_SIZE;
}

/** Why a scheme cannot run whatever the tensor, or null. */
export function intSchemeProblem(s: IntSchemeFields): string | null {
  if (!isIntBits(s.bits)) return `int${s.bits}: bit widths are ${INT_BITS.min}..${INT_BITS.max}`;
  if (!includes(INT_MODES, s.mode)) return `unknown mode "${s.mode}" (${INT_MODES.join(', ')})`;
  if (!includes(GRANULARITIES, s.granularity)) return `unknown granularity "${s.granularity}" (${GRANULARITIES.join(', ')})`;
  if (!includes(CONVENTIONS, s.convention)) return `unknown convention "${s.convention}" (${CONVENTIONS.join(', ')})`;
  if (!parseRangeMethod(s.range)) return `unknown range method "${s.range}"`;
  if (s.granularity === 'group' && !isGroupSize(s.groupSize)) return `group size ${String(s.groupSize)} is not an integer 1..${MAX_GROUP_SIZE}`;
  return null;
}

function includes(values: readonly string[], value: string): boolean {
  return values.includes(value);
}
