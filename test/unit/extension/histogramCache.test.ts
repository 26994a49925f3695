import * as assert from 'assert';
import { HistogramCache } from '../../../src/extension/histogramCache';
import type { Histogram } from '../../../src/shared/analysisTypes';
import type { HistogramRequest, TensorHistograms } from '../../../src/shared/webviewProtocol';

/** A computation the test settles by hand, recording what it was asked and whether it was stopped. */
interface Pending {
  readonly request: HistogramRequest;
  readonly signal: AbortSignal;
  resolve(h: TensorHistograms): void;
  reject(e: Error): void;
}

function histogramsOf(n: number): TensorHistograms {
  const h: Histogram = { min: 0, max: n, counts: [n] };
  return { values: h, dequantized: h, error: h };
}

function cacheWithLog(): { cache: HistogramCache; calls: Pending[] } {
  const calls: Pending[] = [];
  const cache = new HistogramCache((request, signal) => new Promise((resolve, reject) => calls.push({ request, signal, resolve, reject })));
  return { cache, calls };
}

const A: HistogramRequest = { tensor: 'a.weight', config: 'int8 sym tensor' };
const B: HistogramRequest = { tensor: 'b.weight', config: 'int8 sym tensor' };

describe('HistogramCache (the Tensor tab\'s histograms on demand)', () => {
  it('computes a tensor and configuration once and keeps it', async () => {
    const { cache, calls } = cacheWithLog();
    const first = cache.get(A);
    const joined = cache.get(A);
    assert.strictEqual(calls.length, 1, 'a second ask for the one in flight joins it');
    calls[0]!.resolve(histogramsOf(1));
    assert.deepStrictEqual(await first, histogramsOf(1));
    assert.deepStrictEqual(await joined, histogramsOf(1));
    assert.deepStrictEqual(await cache.get(A), histogramsOf(1));
    assert.strictEqual(calls.length, 1, 'kept: not computed again');
  });

  it('stops an unfinished request when another tensor is asked for, and answers it with null', async () => {
    const { cache, calls } = cacheWithLog();
    const a = cache.get(A);
    const b = cache.get(B);
    assert.strictEqual(calls[0]!.signal.aborted, true, 'the user moved on: A is stopped');
    assert.strictEqual(calls[1]!.signal.aborted, false);
    calls[0]!.reject(new Error('cancelled'));
    calls[1]!.resolve(histogramsOf(2));
    assert.strictEqual(await a, null);
    assert.deepStrictEqual(await b, histogramsOf(2));
    // Back to A: asked again, since the stopped one kept nothing.
    const again = cache.get(A);
    assert.strictEqual(calls.length, 3);
    calls[2]!.resolve(histogramsOf(3));
    assert.deepStrictEqual(await again, histogramsOf(3));
  });

  it('passes on a failure of the request still wanted, and keeps nothing for it', async () => {
    const { cache, calls } = cacheWithLog();
    const a = cache.get(A);
    calls[0]!.reject(new Error('q4_k does not apply to a.weight'));
    await assert.rejects(a, /does not apply/);
    void cache.get(A);
    assert.strictEqual(calls.length, 2);
  });

  it('clear() stops the request in flight and forgets what was kept', async () => {
    const { cache, calls } = cacheWithLog();
    const a = cache.get(A);
    calls[0]!.resolve(histogramsOf(1));
    await a;
    const b = cache.get(B);
    cache.clear();
    assert.strictEqual(calls[1]!.signal.aborted, true);
    calls[1]!.resolve(histogramsOf(2));
    assert.strictEqual(await b, null, 'a result that comes after clear() is dropped');
    void cache.get(A);
    assert.strictEqual(calls.length, 3, 'A is computed again after clear()');
  });
});
