import type { FormatScheme } from '../../../shared/analysisTypes';
import type { SchemeRunner } from './schemeRunner';

/** Named formats: which apply to a tensor of this shape, and how each runs. */
export function planFormat(s: FormatScheme, _shape: readonly number[], _numel: number): { runner: SchemeRunner } | { reason: string } {
  return { reason: `format ${s.format} is not implemented yet` };
}
