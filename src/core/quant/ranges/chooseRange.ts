import type { Convention, IntMode, RangeMethod } from '../../../shared/analysisTypes';
import type { CalibrationHistograms, CalibrationKind } from './calibrationHistogram';
import { modelOptEntropyAmax } from './entropyModelOpt';
import { ortEntropyRange } from './entropyOrt';
import { mseRange } from './mse';
import { percentileRange } from './percentile';
import type { ClipRange } from './rangeTypes';
import { parseRangeMethod, type ParsedRangeMethod } from '../../../shared/vocab/rangeMethods';
import { torchHistogramRange } from './torchHistogram';

export type { ClipRange } from './rangeTypes';

/** What a range method sees of the data: its finite min and max, and (for all but minmax) its histograms. */
export interface RangeInput {
  readonly min: number;
  readonly max: number;
  readonly calibration: CalibrationHistograms | null;
}

/**
 * The one calibration histogram chooseRange reads for a method and mode (null for minmax), so
 * per-channel calibration can keep just that one per channel. Mirrors the switch below.
 */
export function calibrationKind(method: ParsedRangeMethod, mode: IntMode): CalibrationKind | null {
  switch (method.kind) {
    case 'minmax': return null;
    case 'percentile': return mode === 'symmetric' ? 'absolute' : 'centered';
    case 'mse': return mode === 'symmetric' ? 'absolute' : 'signed';
    case 'entropy': return 'absolute';
    case 'entropy-onnxruntime': return 'centeredOrtEntropy';
    case 'histogram': return 'signed';
  }
}

/**
 * The clipping range a method picks for data seen through `input`, for `bits`-bit `mode`
 * quantization under `convention` (mse scores with the convention's own quantizer). Pure:
 * serves weights (histograms from the calibration pass) and activations alike. Symmetric
 * methods give [-a, a] (entropy and percentile clamp to the data as their tools do); the
 * qparams formulas then take over.
 */
export function chooseRange(method: RangeMethod, input: RangeInput, bits: number, mode: IntMode, convention: Convention = 'lecture'): ClipRange {
  const parsed = parseRangeMethod(method);
  if (!parsed) throw new RangeError(`unknown range method ${method}`);
  const { min, max } = input;
  if (parsed.kind === 'minmax') {
    if (mode === 'symmetric') {
      const a = Math.max(-min, max);
      return { min: -a, max: a };
    }
    return { min, max };
  }
  const h = input.calibration;
  if (!h) throw new RangeError(`range method ${method} needs the calibration histograms`);
  switch (parsed.kind) {
    case 'percentile':
      return percentileRange(parsed.percentile, h, min, max, mode);
    case 'mse':
      return mseRange(h, min, max, bits, mode, convention);
    case 'entropy': {
      const amax = modelOptEntropyAmax(h.absolute, bits, mode === 'asymmetric' && min >= 0);
      return mode === 'symmetric' ? { min: -amax, max: amax } : { min: Math.max(min, -amax), max: Math.min(max, amax) };
    }
    case 'entropy-onnxruntime':
      return ortEntropyRange(h.centeredOrtEntropy, min, max);
    case 'histogram':
      return torchHistogramRange(h.signed, bits);
  }
}
