import type { ErrorMetrics, Histogram, ResultHistograms } from '../../shared/analysisTypes';
import { ERR, ERROR_BUCKETS, errorStatsChunk, newErrorAccumulator } from './errorStatsKernel';
import { HISTOGRAM_FLAGS, histogramChunk } from './histogramKernel';
import { errorDisplayHistogram } from './errorBuckets';
import { finishErrorMetrics } from './errorMetrics';
import type { PassKernels } from './passKernels';

/** Where the overlays of one result are drawn: the weights' own range, so the bars line up. */
export interface DisplayRange {
  readonly min: number;
  readonly max: number;
  /** 0 for no histograms. */
  readonly bins: number;
  /** Whether error percentiles are reported (they need the error buckets, a scatter per element on the fast paths). */
  readonly errorPercentiles: boolean;
}

/** What an ErrorAccumulator has summed: the ERR accumulator, the error buckets (when kept) and the deq histogram counts. */
export interface ErrorAccumulatorSums {
  readonly acc: Float64Array;
  readonly errHist: Float64Array | null;
  readonly deqCounts: Float64Array;
}

/** Streams (x, deq) pairs of one scheme: error sums, error buckets, histogram of deq. */
export class ErrorAccumulator {
  private readonly acc = newErrorAccumulator();
  /** Error buckets (512 KB) only for percentiles or the error histogram: the table's figures need none. */
  private readonly errHist: Float64Array | null;
  private readonly deqCounts: Float64Array;

  /** `kernel`: where the sums run when no error buckets are kept (null: the reference kernel). */
  constructor(private readonly display: DisplayRange, private readonly kernel: PassKernels | null = null) {
    this.errHist = display.errorPercentiles || display.bins > 0 ? new Float64Array(ERROR_BUCKETS) : null;
    this.deqCounts = new Float64Array(display.bins);
  }

  add(x: Float32Array, deq: Float32Array, from: number, to: number): void {
    if (this.kernel && !this.errHist) this.kernel.errorSums(x, deq, from, to, this.acc);
    else errorStatsChunk(x, deq, from, to, this.acc, this.errHist);
    if (this.display.bins > 0) {
      histogramChunk(deq, from, to, this.display.min, this.display.max, this.deqCounts, HISTOGRAM_FLAGS.CLAMP);
    }
  }

  /** Finite originals compared so far. */
  get compared(): number {
    return this.acc[ERR.COUNT]!;
  }

  sums(): ErrorAccumulatorSums {
    return { acc: this.acc, errHist: this.errHist, deqCounts: this.deqCounts };
  }

  metrics(): ErrorMetrics {
    return accumulatedMetrics(this.sums(), this.display);
  }

  histograms(): ResultHistograms | undefined {
    return accumulatedHistograms(this.sums(), this.display);
  }
}

/** The metrics of summed pairs (one accumulator's, or the merged sums of a tensor's parts). */
export function accumulatedMetrics(sums: ErrorAccumulatorSums, display: DisplayRange): ErrorMetrics {
  return finishErrorMetrics(sums.acc, display.errorPercentiles ? sums.errHist : null);
}

/** The overlays of summed pairs: deq's histogram and the error's, in the display range (none without bins or buckets). */
export function accumulatedHistograms(sums: ErrorAccumulatorSums, display: DisplayRange): ResultHistograms | undefined {
  if (display.bins === 0 || !sums.errHist) return undefined;
  const dequantized: Histogram = { min: display.min, max: display.max, counts: Array.from(sums.deqCounts) };
  const error = errorDisplayHistogram(sums.errHist, accumulatedMetrics(sums, display).maxAbsErr, display.bins);
  return { dequantized, error };
}
