import * as assert from 'node:assert/strict';
import { tensorBlockStats } from '../../../src/core/analysis/blockStats';
import { CHUNK_ELEMENTS } from '../../../src/core/analysis/chunkStream';
import { CancelledError, UsageError } from '../../../src/core/errors';
import { MAX_BARS } from '../../../src/core/metrics/blockRanges';
import type { TensorEntry } from '../../../src/core/tensor';
import { memoryTensor } from './memoryTensor';

/** 500 M values: ten times what the extension host used to refuse (64 Mi). */
const CHANNELS = 500;
const ROW = 1_000_000;
const GROUP = 1000;

/** [flat index, value]: everything else is zero. */
type Planted = ReadonlyArray<readonly [number, number]>;

/** A float tensor of `shape` that is zero but for `planted`, generated chunk by chunk as it is read (never held whole). */
function sparseTensor(shape: readonly number[], planted: Planted): TensorEntry & { largestRead: number } {
  const numel = shape.reduce((a, b) => a * b, 1);
  const entry = {
    name: 'big', dtype: 'F32' as const, shape, numel, byteLength: numel * 4, source: 'generated',
    largestRead: 0,
    data: {
      blockSize: 1,
      async read(start: number, count: number) {
        entry.largestRead = Math.max(entry.largestRead, count);
        const out = new Float32Array(count);
        for (const [i, v] of planted) if (i >= start && i < start + count) out[i - start] = v;
        return out;
      },
    },
  };
  return entry;
}

describe('block stats of a tensor, streamed', function () {
  this.timeout(300_000);

  it('gives every group of a 500 M-value tensor, pooled to the chart\'s bars, reading bounded chunks', async () => {
    const at = (c: number, j: number): number => c * ROW + j;
    const planted: Planted = [[at(7, 123_456), 3.5], [at(250, 0), 1], [at(250, ROW - 1), -1], [at(CHANNELS - 1, ROW - 1), -2]];
    const tensor = sparseTensor([CHANNELS, ROW], planted);
    const s = await tensorBlockStats(tensor, { tensor: 'big', granularity: 'group', groupSize: GROUP }, {});
    const groups = CHANNELS * (ROW / GROUP);
    assert.equal(s.blocks, groups);
    assert.equal(s.pooled, Math.ceil(groups / MAX_BARS));
    assert.equal(s.absMax.length, Math.ceil(groups / s.pooled));
    const expected = new Array<number>(s.absMax.length).fill(0);
    for (const [i, v] of planted) {
      const bar = Math.floor(Math.floor(i / GROUP) / s.pooled);
      expected[bar] = Math.max(expected[bar]!, Math.abs(v));
    }
    assert.deepEqual(s.absMax, expected);
    // Each planted value shares its group with zeros: its span is its magnitude.
    assert.deepEqual(s.span, expected);
    assert.ok(tensor.largestRead <= CHUNK_ELEMENTS, `a read of ${tensor.largestRead} values`);
  });

  it('gives each output channel\'s range of a tensor read in chunks', async () => {
    const values = Float32Array.from({ length: 3 * 70_000 }, (_, i) => (i % 70_000 === 5 ? -(i + 1) : i % 7));
    const s = await tensorBlockStats(memoryTensor(values, [3, 70_000]), { tensor: 't', granularity: 'channel', groupSize: null }, {});
    assert.deepEqual(s.absMax, [6, 70_006, 140_006]);
    assert.deepEqual(s.span, [12, 70_006 + 6, 140_006 + 6]);
  });

  it('refuses a vector with a UsageError, and stops when cancelled', async () => {
    await assert.rejects(tensorBlockStats(memoryTensor([1, 2], [2]), { tensor: 't', granularity: 'channel', groupSize: null }, {}), (e: unknown) => e instanceof UsageError && /rank 2/.test(e.message));
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(tensorBlockStats(sparseTensor([CHANNELS, ROW], []), { tensor: 'big', granularity: 'channel', groupSize: null }, { signal: abort.signal }), CancelledError);
  });
});
