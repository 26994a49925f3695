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

  metrics(): ErrorMetrics {
    return finishErrorMetrics(this.acc, this.display.errorPercentiles ? this.errHist : null);
  }

  histograms(): ResultHistograms | undefined {
    if (this.display.bins === 0 || !this.errHist) return undefined;
    const dequantized: Histogram = { min: this.display.min, max: this.display.max, counts: Array.from(this.deqCounts) };
    const error = errorDisplayHistogram(this.errHist, this.metrics().maxAbsErr, this.display.bins);
    return { dequantized, error };
  }
}
