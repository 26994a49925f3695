/**
 * The calibration and PTQ contract: what is asked and what comes back. Plain data only, so it
 * crosses worker and webview boundaries and is the CLI's JSON (CLI.md `calibrate`, `ptq`).
 */
import type { Convention, Histogram, IntMode, RangeMethod } from './analysisTypes';

export type SyntheticKind = 'normal' | 'uniform';

/** Where the model's inputs come from. */
export interface CalibDataSpec {
  /** `.npy`, `.npz` or a folder of `.npy` files; null with `synthetic` alone. */
  readonly path: string | null;
  /** The array of an `.npz` that feeds a one-input model (default: the only array, or `x`). */
  readonly inputKey: string | null;
  /** Float inputs that `path` does not provide are generated (seeded, reproducible). */
  readonly synthetic: SyntheticKind | null;
  /** At most this many samples (synthetic: exactly this many). */
  readonly samples: number | null;
  /** Shapes for synthetic inputs whose model shape has symbolic dims, by input name. */
  readonly shapes: Readonly<Record<string, readonly number[]>>;
  readonly seed: number;
}

export interface CalibrationOptions {
  readonly batch: number;
  readonly methods: readonly RangeMethod[];
  readonly bits: number;
  readonly mode: IntMode;
  readonly convention: Convention;
  /** onnxruntime-web threads; null for its default here (min(2, cores)). */
  readonly threads: number | null;
}

/** The range a method picks and the qparams that follow from it. */
export interface MethodQParams {
  readonly min: number;
  readonly max: number;
  readonly scale: number;
  readonly zeroPoint: number;
}

export interface ActivationReport {
  /** The node output's name (the tensor name in the graph). */
  readonly name: string;
  readonly node: string;
  readonly op: string;
  /** Shape of the last batch as onnxruntime returned it. */
  readonly shape: readonly number[];
  /** Finite values observed. */
  readonly count: number;
  readonly nonFinite: number;
  readonly min: number;
  readonly max: number;
  readonly methods: Readonly<Record<RangeMethod, MethodQParams>>;
  /** The observed values binned for display. */
  readonly histogram: Histogram;
}

/** One model input and where its values came from. */
export interface InputSource {
  readonly name: string;
  readonly type: string;
  readonly shape: readonly number[];
  /** `calib.npy`, `test.npz:x`, `synthetic normal`, ... */
  readonly source: string;
}

export interface CalibrationReport {
  readonly model: string;
  readonly samples: number;
  readonly batches: number;
  readonly inputs: readonly InputSource[];
  readonly bits: number;
  readonly mode: IntMode;
  readonly convention: Convention;
  readonly methods: readonly RangeMethod[];
  readonly activations: readonly ActivationReport[];
  /** What was not observed and why (nested subgraphs, non-float outputs). */
  readonly notes: readonly string[];
  readonly elapsedMs: number;
}

export interface CalibrationProgress {
  readonly samplesDone: number;
  readonly samplesTotal: number;
}

export interface CalibrationHooks {
  readonly onProgress?: (progress: CalibrationProgress) => void;
}

/** `ptq` options (CLI.md): configs as the CLI spells them. */
export interface PtqOptions {
  /** `int8:symmetric:tensor`, `int4:symmetric:channel`, `int4:asymmetric:group:64`, ... */
  readonly weights: readonly string[];
  /** `uint8` (asymmetric) or `int8` (symmetric), optionally `:<range method>`, e.g. `int8:percentile:99.99`. */
  readonly activations: readonly string[];
  /** Quantize every float initializer, biases and norms too. */
  readonly allWeights: boolean;
  readonly labelsKey: string;
  readonly convention: Convention;
  readonly batch: number;
  readonly threads: number | null;
}

export interface LayerSqnr {
  /** The activation (node output) compared with the float model's. */
  readonly name: string;
  readonly op: string;
  readonly sqnrDb: number | null;
}

export interface PtqRun {
  readonly weights: string | null;
  readonly activations: string | null;
  /** Percent of samples whose top-1 class matches the label; null without labels. */
  readonly accuracy: number | null;
  /** Percent of samples whose top-1 class matches the float model's. */
  readonly agreement: number;
  /** Of the model's first output against the float model's; null when identical. */
  readonly outputSqnrDb: number | null;
  /** Weights+activations runs: every quantized activation against the float model's. */
  readonly layers?: readonly LayerSqnr[];
}

export interface PtqReport {
  readonly model: string;
  readonly samples: number;
  readonly output: string;
  readonly convention: Convention;
  readonly float: { readonly accuracy: number | null };
  /** The initializers that weight configs quantize. */
  readonly weightTensors: readonly string[];
  readonly runs: readonly PtqRun[];
  readonly notes: readonly string[];
  readonly elapsedMs: number;
}

export interface PtqProgress {
  readonly runsDone: number;
  readonly runsTotal: number;
}

export interface PtqHooks {
  readonly onProgress?: (progress: PtqProgress) => void;
}
