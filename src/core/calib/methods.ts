/** Range methods applied to observed activations: the core's chooseRange, then qparams under a convention. */
import type { Convention, IntMode, RangeMethod } from '../../shared/analysisTypes';
import type { MethodQParams } from '../../shared/calibTypes';
import { UsageError } from '../errors';
import { computeQParams } from '../quant/affine/qparams';
import { chooseRange, type RangeInput } from '../quant/ranges/chooseRange';
import { isRangeMethod, RANGE_METHOD_SYNTAX } from '../../shared/vocab/rangeMethods';

/** CLI.md `calibrate --methods` default: one of each flavour. */
const DEFAULT_METHODS: readonly RangeMethod[] = ['minmax', 'percentile:99.99', 'entropy', 'mse', 'histogram'];

export function defaultMethods(): RangeMethod[] {
  return [...DEFAULT_METHODS];
}

export function checkMethods(methods: readonly RangeMethod[]): void {
  if (methods.length === 0) throw new UsageError('--methods: name at least one range method');
  const unknown = methods.filter((m) => !isRangeMethod(m));
  if (unknown.length > 0) throw new UsageError(`unknown range method ${unknown.join(', ')} (known: ${RANGE_METHOD_SYNTAX.join(', ')})`);
}

export function methodQParams(method: RangeMethod, input: RangeInput, bits: number, mode: IntMode, convention: Convention): MethodQParams {
  const range = chooseRange(method, input, bits, mode, convention);
  const q = computeQParams(range.min, range.max, bits, mode, convention);
  return { min: range.min, max: range.max, scale: q.scale, zeroPoint: q.zeroPoint };
}
