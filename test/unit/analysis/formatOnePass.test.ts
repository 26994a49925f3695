import * as assert from 'node:assert/strict';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { CHUNK_ELEMENTS, FORMAT_CHUNK_ELEMENTS, streamInto, streamTensor } from '../../../src/core/analysis/chunkStream';
import { CancelledError } from '../../../src/core/errors';
import type { FormatResult, Scheme } from '../../../src/shared/analysisTypes';
import { noise } from '../worker/fixtures';
import { memoryTensor } from './memoryTensor';

describe('named formats for the table alone: pass 2 in pass 1\'s read', () => {
  it('reads the tensor once in larger chunks, reports progress up to numel, and gives what the two-pass run gives', async () => {
    const rows = 80;
    const cols = 4096;
    const x = noise(rows * cols, 11, 0.1);
    x[77] = Number.NaN;
    x[300_000] = -Infinity;
    const formats = (['q4_k', 'q8_0', 'mxfp4', 'fp8_e5m2'] as const).map((format): Scheme => ({ kind: 'format', format }));
    const onePass = memoryTensor(x, [rows, cols]);
    const seen: number[] = [];
    const alone = await analyzeTensor(onePass, { schemes: formats, histogramBins: 8, tableOnly: true }, { onElements: (k) => seen.push(k) });
    assert.equal(onePass.reads, Math.ceil((rows * cols) / FORMAT_CHUNK_ELEMENTS));
    assert.equal(seen[seen.length - 1], rows * cols);
    assert.ok(seen.every((v, i) => i === 0 || v > seen[i - 1]!));
    // NVFP4's tensor-wide scale needs pass 1 first: the same schemes then run in a second read, in the usual chunks.
    const twoPass = memoryTensor(x, [rows, cols]);
    const withNvfp4 = await analyzeTensor(twoPass, { schemes: [...formats, { kind: 'format', format: 'nvfp4' }], histogramBins: 8, tableOnly: true });
    assert.equal(twoPass.reads, 2 * Math.ceil((rows * cols) / CHUNK_ELEMENTS));
    // Other chunks, so the float sums may differ in their last bits; everything else is identical.
    const { mean, std, ...exactStats } = alone.stats;
    const { mean: mean2, std: std2, ...exactStats2 } = withNvfp4.stats;
    assert.deepEqual(exactStats, exactStats2);
    close(mean, mean2, 'mean');
    close(std, std2, 'std');
    alone.results.forEach((r, i) => {
      const a = r as FormatResult;
      const b = withNvfp4.results[i] as FormatResult;
      assert.equal(a.format, b.format);
      assert.equal(a.maxAbsErr, b.maxAbsErr, a.format);
      assert.equal(a.nonFiniteOutputs, b.nonFiniteOutputs, a.format);
      for (const key of ['mse', 'rmse', 'meanRelErrPct', 'cosine'] as const) close(a[key], b[key], `${a.format} ${key}`);
      close(a.sqnrDb!, b.sqnrDb!, `${a.format} sqnrDb`);
    });
  });
});

/** Float sums added in other chunks: equal to 1e-12 relative. */
function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
}

describe('streamInto: two buffers, the next read in flight', () => {
  it('issues the next read before handing out a chunk, one read in flight, and hands out the chunks streamTensor does', async () => {
    const n = 3 * 1000 + 7;
    const values = noise(n, 3, 1);
    const t = memoryTensor(values, [n]);
    const readsAtConsume: number[] = [];
    const seen: number[][] = [];
    const buffers = [new Float32Array(1000), new Float32Array(1000)] as const;
    await streamInto(t, {}, buffers, (x, start) => {
      readsAtConsume.push(t.reads);
      assert.ok(x.buffer === buffers[0].buffer || x.buffer === buffers[1].buffer, 'a view of a buffer given');
      seen.push([start, ...x]);
    });
    assert.deepEqual(readsAtConsume, [2, 3, 4, 4]);
    const expected: number[][] = [];
    await streamTensor(memoryTensor(values, [n]), {}, (x, start) => void expected.push([start, ...x]), 1000);
    assert.deepEqual(seen, expected);
  });

  it('reads straight into the buffers where the storage allows it', async () => {
    const n = 2500;
    const values = noise(n, 5, 1);
    const t = memoryTensor(values, [n]);
    const into: Array<[number, number]> = [];
    const direct = {
      ...t,
      data: {
        ...t.data,
        async readFloat32Into(start: number, count: number, out: Float32Array): Promise<void> {
          into.push([start, count]);
          out.set(values.subarray(start, start + count));
        },
      },
    };
    const seen: number[] = [];
    await streamInto(direct, {}, [new Float32Array(1000), new Float32Array(1000)], (x) => void seen.push(...x));
    assert.deepEqual(into, [[0, 1000], [1000, 1000], [2000, 500]]);
    assert.equal(t.reads, 0);
    assert.deepEqual(seen, Array.from(values));
  });

  it('a read in flight that fails after the stream was cancelled is awaited and dropped, not unhandled', async () => {
    const t = memoryTensor(noise(4000, 4, 1), [4000]);
    const read = t.data.read.bind(t.data);
    t.data.read = async (start: number, count: number) => {
      if (start > 0) throw new Error('gone');
      return read(start, count);
    };
    const stop = new AbortController();
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      await assert.rejects(streamInto(t, { signal: stop.signal }, [new Float32Array(1000), new Float32Array(1000)], () => stop.abort()), CancelledError);
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    assert.deepEqual(unhandled, []);
  });
});
