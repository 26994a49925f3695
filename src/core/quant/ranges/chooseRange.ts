import type { IntMode, RangeMethod } from '../../../shared/analysisTypes';
import type { CalibrationHistograms } from './calibrationHistogram';

/** What a range method sees of the data: its finite min and max, and (for all but minmax) its histograms. */
export interface RangeInput {
  readonly min: number;
  readonly max: number;
  readonly calibration: CalibrationHistograms | null;
}

/** A clipping range; symmetric methods return [-a, a]. */
export interface ClipRange {
  readonly min: number;
  readonly max: number;
}

/** Whether a range method is known (`percentile:P` with 0 < P <= 100). */
export function isKnownRangeMethod(method: RangeMethod): boolean {
  return method === 'minmax';
}

/**
 * The clipping range a method picks for data seen through `input`, for `bits`-bit `mode`
 * quantization. Pure: serves weights (pass-1 histograms) and activations (calibration) alike.
 */
export function chooseRange(method: RangeMethod, input: RangeInput, _bits: number, mode: IntMode): ClipRange {
  if (method === 'minmax') {
    if (mode === 'symmetric') {
      const a = Math.max(-input.min, input.max);
      return { min: -a, max: a };
    }
    return { min: input.min, max: input.max };
  }
  throw new RangeError(`unknown range method ${method}`);
}
