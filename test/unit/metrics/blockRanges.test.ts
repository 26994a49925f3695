import * as assert from 'node:assert/strict';
import { BlockRangeAccumulator, blockRangesProblem, MAX_BARS } from '../../../src/core/metrics/blockRanges';
import type { BlockRequest, BlockStats } from '../../../src/shared/webviewProtocol';

const CHANNEL: BlockRequest = { tensor: 'w', granularity: 'channel', groupSize: null };
const group = (groupSize: number): BlockRequest => ({ tensor: 'w', granularity: 'group', groupSize });

/** Feeds `values` in chunks of `chunk` elements, as a streamed pass would. */
function ranges(shape: number[], values: Float32Array, request: BlockRequest, chunk = values.length): BlockStats {
  const acc = new BlockRangeAccumulator(shape, values.length, request);
  for (let start = 0; start < values.length; start += chunk) acc.add(values.subarray(start, start + chunk), start);
  return acc.finish();
}

/** A tensor whose values are their own flat index: every block's range is known exactly. */
function indexValues(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => i);
}

/** The ranges computed the plain way: block of every element by its coordinates, then pooled. */
function referenceRanges(shape: number[], values: Float32Array, request: BlockRequest): BlockStats {
  const last = shape[shape.length - 1]!;
  const rowLength = values.length / shape[0]!;
  const size = request.groupSize ?? last;
  const perRow = Math.ceil(last / size);
  const blockOf = (i: number): number =>
    request.granularity === 'channel' ? Math.floor(i / rowLength) : Math.floor(i / last) * perRow + Math.floor((i % last) / size);
  const blocks = request.granularity === 'channel' ? shape[0]! : (values.length / last) * perRow;
  const lo = new Array<number>(blocks).fill(Infinity);
  const hi = new Array<number>(blocks).fill(-Infinity);
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    const b = blockOf(i);
    lo[b] = Math.min(lo[b]!, v);
    hi[b] = Math.max(hi[b]!, v);
  });
  const pooled = Math.max(1, Math.ceil(blocks / MAX_BARS));
  const absMax = new Array<number>(Math.ceil(blocks / pooled)).fill(0);
  const span = [...absMax];
  for (let b = 0; b < blocks; b++) {
    if (!(lo[b]! <= hi[b]!)) continue;
    const bar = Math.floor(b / pooled);
    absMax[bar] = Math.max(absMax[bar]!, Math.abs(lo[b]!), Math.abs(hi[b]!));
    span[bar] = Math.max(span[bar]!, hi[b]! - lo[b]!);
  }
  return { ...request, blocks, pooled, absMax, span };
}

describe('block ranges (per channel / per group)', () => {
  it('takes each output channel\'s absmax and max − min', () => {
    const s = ranges([3, 4], indexValues(12), CHANNEL);
    assert.deepEqual(s, { ...CHANNEL, blocks: 3, pooled: 1, absMax: [3, 7, 11], span: [3, 3, 3] });
  });

  it('treats every axis after the first as one row', () => {
    const s = ranges([2, 3, 2], Float32Array.from([1, -5, 2, 0, 0, 0, 0, 0, 0, 0, 0, -0.5]), CHANNEL);
    assert.deepEqual([s.absMax, s.span], [[5, 0.5], [7, 0.5]]);
  });

  it('splits rows into groups along the last axis, the last group of a row short', () => {
    const s = ranges([2, 5], indexValues(10), group(2));
    // Rows [0..4] and [5..9] in groups {0,1} {2,3} {4} | {5,6} {7,8} {9}.
    assert.deepEqual(s.absMax, [1, 3, 4, 6, 8, 9]);
    assert.deepEqual(s.span, [1, 1, 0, 1, 1, 0]);
    assert.equal(s.blocks, 6);
  });

  it('agrees with the plain computation whatever the chunk boundaries', () => {
    const shape = [7, 3, 11];
    const values = Float32Array.from({ length: 7 * 3 * 11 }, (_, i) => Math.sin(i * 12.9898) * 100);
    values[40] = NaN;
    for (const request of [CHANNEL, group(4), group(11), group(50)]) {
      const whole = referenceRanges(shape, values, request);
      for (const chunk of [1, 3, 10, 64, 231]) assert.deepEqual(ranges(shape, values, request, chunk), whole, `chunk ${chunk}, ${request.granularity} ${request.groupSize}`);
    }
  });

  it('pools consecutive blocks by their largest value when there are more than a chart can draw', () => {
    const rows = MAX_BARS * 2 + 1;
    const s = ranges([rows, 1], indexValues(rows), CHANNEL, 1000);
    assert.deepEqual(s, referenceRanges([rows, 1], indexValues(rows), CHANNEL));
    assert.equal(s.blocks, rows);
    assert.equal(s.pooled, 3);
    assert.equal(s.absMax.length, Math.ceil(rows / 3));
    assert.deepEqual(s.absMax.slice(0, 2), [2, 5]);
    assert.equal(s.absMax[s.absMax.length - 1], rows - 1);
  });

  it('leaves out non-finite values; a block of only those has no range', () => {
    const s = ranges([3, 2], Float32Array.from([NaN, Infinity, -Infinity, 2, -3, NaN]), CHANNEL);
    assert.deepEqual([s.absMax, s.span], [[0, 2, 3], [0, 0, 0]]);
  });

  it('gives zero ranges for a tensor without elements', () => {
    const s = ranges([3, 0], new Float32Array(0), CHANNEL);
    assert.deepEqual(s, { ...CHANNEL, blocks: 3, pooled: 1, absMax: [0, 0, 0], span: [0, 0, 0] });
  });

  it('takes chunks in order only, and finishes only once it has every value', () => {
    const acc = new BlockRangeAccumulator([2, 2], 4, CHANNEL);
    assert.throws(() => acc.add(new Float32Array(2), 2), /chunk at 2, expected 0/);
    acc.add(new Float32Array(2), 0);
    assert.throws(() => acc.finish(), /2 of 4 values/);
    assert.throws(() => acc.add(new Float32Array(3), 2), /past 4 values/);
  });

  it('refuses vectors and bad group sizes', () => {
    assert.match(blockRangesProblem([8], CHANNEL) ?? '', /rank 2/);
    assert.match(blockRangesProblem([2, 4], group(0)) ?? '', /Group size/);
    assert.match(blockRangesProblem([2, 4], group(1.5)) ?? '', /Group size/);
    assert.match(blockRangesProblem([2, 4], { tensor: 'w', granularity: 'group', groupSize: null }) ?? '', /Group size/);
    assert.equal(blockRangesProblem([2, 4], group(2)), null);
    assert.equal(blockRangesProblem([2, 4], CHANNEL), null);
  });
});
