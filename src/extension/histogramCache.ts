import { histogramKey, type HistogramRequest, type TensorHistograms } from '../shared/webviewProtocol';

/**
 * The Tensor tab's histograms, computed for one tensor and configuration at a time and kept: the
 * table's analysis computes none. A request for another tensor or configuration stops an unfinished
 * one (the user moved on); asking again for the one in flight joins it.
 */
export class HistogramCache {
  private readonly done = new Map<string, TensorHistograms>();
  private running: { readonly key: string; readonly stop: AbortController; readonly result: Promise<TensorHistograms | null> } | null = null;

  constructor(private readonly compute: (request: HistogramRequest, signal: AbortSignal) => Promise<TensorHistograms>) {}

  /** The histograms, or null when a newer request (or clear) stopped this one before it finished. */
  get(request: HistogramRequest): Promise<TensorHistograms | null> {
    const key = histogramKey(request);
    const cached = this.done.get(key);
    if (cached) return Promise.resolve(cached);
    if (this.running?.key === key) return this.running.result;
    this.running?.stop.abort();
    const stop = new AbortController();
    const result = this.compute(request, stop.signal).then(
      (h) => {
        if (stop.signal.aborted) return null;
        this.done.set(key, h);
        return h;
      },
      (e: unknown) => {
        if (stop.signal.aborted) return null;
        throw e;
      },
    );
    const entry = { key, stop, result };
    this.running = entry;
    const settle = (): void => {
      if (this.running === entry) this.running = null;
    };
    result.then(settle, settle);
    return result;
  }

  /** A new analysis (other configurations, other bins): stops the one in flight and forgets every kept one. */
  clear(): void {
    this.running?.stop.abort();
    this.running = null;
    this.done.clear();
  }
}
