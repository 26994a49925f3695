/**
 * The analysis contract: what is asked (schemes) and what comes back (per-tensor results).
 * Shared by the core, the worker, the extension host, the webview and the CLI's JSON (CLI.md).
 */
import type { Convention, Granularity, IntMode } from './vocab/intSchemes';
import type { NamedFormat } from './vocab/namedFormats';

/** Modes, granularities and conventions are listed in src/shared/vocab/intSchemes.ts. */
export type { Convention, Granularity, IntMode };
/** A range method as written: `minmax`, `percentile:99.99`, ... (the grammar: src/shared/vocab/rangeMethods.ts). */
export type RangeMethod = string;

/** Named formats are listed in their one table, src/shared/vocab/namedFormats.ts. */
export type { NamedFormat };

export interface IntScheme {
  readonly kind: 'int';
  readonly bits: number;
  readonly mode: IntMode;
  readonly granularity: Granularity;
  /** Group length along the last axis for `group`; null otherwise. */
  readonly groupSize: number | null;
  /** Channel axis for `channel` (default 0). */
  readonly axis: number;
  readonly range: RangeMethod;
  readonly convention: Convention;
}

export interface FormatScheme {
  readonly kind: 'format';
  readonly format: NamedFormat;
}

export type Scheme = IntScheme | FormatScheme;

export interface AnalysisOptions {
  readonly schemes: readonly Scheme[];
  /** Bins of every histogram (weights, dequantized, error). */
  readonly histogramBins: number;
  /**
   * Only the figures of the Layers table: no histograms (histogramBins is ignored) and no error
   * percentiles, the two things that cost a scatter per element. Default false: everything.
   */
  readonly tableOnly?: boolean;
}

export interface TensorStats {
  readonly min: number;
  readonly max: number;
  readonly absMax: number;
  readonly mean: number;
  readonly std: number;
  /** NaN and infinities; every other figure is computed over the finite values. */
  readonly nonFinite: number;
}

/** Fixed-width bins over [min, max]. */
export interface Histogram {
  readonly min: number;
  readonly max: number;
  readonly counts: readonly number[];
}

export interface ErrorMetrics {
  readonly mse: number;
  readonly rmse: number;
  readonly maxAbsErr: number;
  readonly meanRelErrPct: number;
  /** null when the reconstruction is exact. */
  readonly sqnrDb: number | null;
  readonly cosine: number;
  /** Percentiles of |x - deq|; absent when the analysis was asked for the table's figures only (tableOnly). */
  readonly errP50?: number;
  readonly errP95?: number;
  readonly errP99?: number;
  /** Finite values whose reconstruction overflowed to a non-finite number (excluded from the figures above); absent when 0. */
  readonly nonFiniteOutputs?: number;
}

export interface ResultHistograms {
  readonly dequantized: Histogram;
  readonly error: Histogram;
}

export interface IntResult extends ErrorMetrics {
  readonly kind: 'int';
  readonly mode: IntMode;
  readonly bits: number;
  readonly granularity: Granularity;
  readonly groupSize: number | null;
  readonly range: RangeMethod;
  readonly convention: Convention;
  /** Channel axis for `channel`; null otherwise. (Always set by the core; optional for older producers.) */
  readonly axis?: number | null;
  /** Integer code range the convention uses for this width and mode (e.g. onnxruntime symmetric int8: [-127, 127]). Always set by the core. */
  readonly qmin?: number;
  readonly qmax?: number;
  /** Per tensor only; null for channel and group. */
  readonly scale: number | null;
  readonly zeroPoint: number | null;
  /**
   * Clipping range actually used (per tensor), for drawing on the histogram: the representable
   * range [scale * (qmin - zp), scale * (qmax - zp)] (the data range when degenerate); null otherwise.
   */
  readonly clipMin: number | null;
  readonly clipMax: number | null;
  /** Smallest and largest scale over channels or groups (equal to scale per tensor). */
  readonly scaleMin: number;
  readonly scaleMax: number;
  /** scale 0: all-zero (or constant, asymmetric) data, reconstructed exactly. */
  readonly degenerate: boolean;
  /** Share of finite values outside the clipping range, percent. */
  readonly clippedPct: number;
  readonly histograms?: ResultHistograms;
}

export interface FormatResult extends ErrorMetrics {
  readonly kind: 'format';
  readonly format: NamedFormat;
  readonly bitsPerWeight: number;
  readonly histograms?: ResultHistograms;
}

export type QuantResult = IntResult | FormatResult;

/** A scheme asked for that cannot apply to this tensor (e.g. per channel on a vector, q4_k on rows of 100). */
export interface NotApplicable {
  readonly scheme: Scheme;
  readonly reason: string;
}

export interface TensorResult {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly numel: number;
  readonly stats: TensorStats;
  /** The weights over [stats.min, stats.max]. */
  readonly histogram?: Histogram;
  /** One per applicable scheme, in the order asked. */
  readonly results: readonly QuantResult[];
  /** Schemes asked for that do not apply to this tensor, with the reason. */
  readonly notApplicable?: readonly NotApplicable[];
}

export interface SkippedTensor {
  readonly name: string;
  readonly dtype: string;
  readonly reason: string;
}

export interface AnalysisReport {
  readonly file: string;
  readonly format: string;
  readonly convention: Convention;
  readonly quantlensVersion: string;
  readonly options: AnalysisOptions;
  readonly tensors: readonly TensorResult[];
  readonly skipped: readonly SkippedTensor[];
}

/** A tensor as listed by `inspect` (serialisable: crosses worker and webview boundaries). */
export interface TensorSummary {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly numel: number;
  readonly byteLength: number;
  readonly source: string;
  readonly storage?: { readonly dtype: string; readonly scale?: number; readonly min?: number };
}

/** A model as listed by `inspect`: headers only. */
export interface ModelSummary {
  readonly file: string;
  readonly format: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly tensors: readonly TensorSummary[];
  readonly sizeOnDisk: number;
}

export interface AnalysisProgress {
  readonly tensorsDone: number;
  readonly tensorsTotal: number;
  readonly elementsDone: number;
  readonly elementsTotal: number;
}
