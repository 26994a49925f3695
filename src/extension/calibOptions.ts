import { defaultMethods } from '../core/calib/methods';
import type { RangeMethod } from '../shared/analysisTypes';
import type { CalibrationOptions, PtqOptions } from '../shared/calibTypes';
import type { CalibSettings, PtqSettings } from '../shared/calibPanelProtocol';

/** CLI.md `--batch` default. */
export const DEFAULT_BATCH = 32;
/** CLI.md `ptq --labels-key` default. */
export const DEFAULT_LABELS_KEY = 'y';

export function calibrationOptions(settings: CalibSettings, batch = DEFAULT_BATCH, methods: readonly RangeMethod[] = defaultMethods()): CalibrationOptions {
  // threads null: onnxruntime's default here, min(2, cores).
  return { batch, methods, bits: settings.bits, mode: settings.mode, convention: settings.convention, threads: null };
}

export function ptqOptions(settings: PtqSettings, batch = DEFAULT_BATCH, labelsKey = DEFAULT_LABELS_KEY): PtqOptions {
  return {
    weights: settings.weights, activations: settings.activations, allWeights: false, labelsKey,
    convention: 'lecture', batch, threads: null,
  };
}
