/**
 * What llama-quantize does when a row is not a whole number of the chosen type's blocks. Ported from
 * llama.cpp 81ff7abe50b95fb81cc70a6cdba1eb1a02a48f62 (MIT): src/llama-quant.cpp tensor_type_fallback.
 */
import { FormatError } from '../../errors';
import type { GgmlDType } from '../../../shared/vocab/dtypes';
import { blockSizeOf, rowFits } from '../costModel';
import type { PlanType } from '../planTypes';
import { ggmlTypeName } from './ggmlNames';

/** 256-value types (and Q2_0's 64) fall back to the 32-value type of the same family. */
const FALLBACK: ReadonlyMap<PlanType, GgmlDType> = new Map<PlanType, GgmlDType>([
  ['IQ1_S', 'IQ4_NL'], ['IQ1_M', 'IQ4_NL'], ['IQ2_XXS', 'IQ4_NL'], ['IQ2_XS', 'IQ4_NL'],
  ['IQ2_S', 'IQ4_NL'], ['IQ3_XXS', 'IQ4_NL'], ['IQ3_S', 'IQ4_NL'], ['IQ4_XS', 'IQ4_NL'],
  ['Q2_0', 'Q4_0'], ['Q2_K', 'Q4_0'], ['Q3_K', 'Q4_0'], ['TQ1_0', 'Q4_0'], ['TQ2_0', 'Q4_0'],
  ['Q4_K', 'Q5_0'],
  ['Q5_K', 'Q5_1'],
  ['Q6_K', 'Q8_0'],
]);

/** When even the fallback does not fit (a row not a multiple of 32): "must use F16 due to unusual shape". */
const LAST_RESORT: PlanType = 'F16';

export interface FallbackResult {
  readonly type: PlanType;
  /** Set when the type was replaced. */
  readonly reason: string | null;
}

/** The type llama-quantize writes when `target` was chosen for rows of `rowLength` values; null when it has no fallback for `target` (it fails). */
export function fallbackOf(rowLength: number, target: PlanType): FallbackResult | null {
  if (rowFits(target, rowLength)) return { type: target, reason: null };
  const why = `row of ${rowLength} not a multiple of ${blockSizeOf(target)}`;
  const next = FALLBACK.get(target);
  if (next === undefined) return null;
  if (rowFits(next, rowLength)) return { type: next, reason: `fallback: ${why} (${target}) -> ${next}` };
  return { type: LAST_RESORT, reason: `fallback: ${why} (${target}), nor of ${blockSizeOf(next)} (${next}) -> ${LAST_RESORT}` };
}

/** The type a tensor of `name` with rows of `rowLength` values is stored as when `target` was chosen. */
export function fallbackFor(name: string, rowLength: number, target: PlanType): FallbackResult {
  const result = fallbackOf(rowLength, target);
  if (result !== null) return result;
  throw new FormatError('llama.cpp', `${name}: row of ${rowLength} not a multiple of ${blockSizeOf(target)} (${target}), and llama-quantize has no fallback for it ("no tensor type fallback is defined for type ${ggmlTypeName(target)}")`);
}
