import * as assert from 'node:assert/strict';
import { forEachGroup, GroupAssembler } from '../../../src/core/analysis/groupAssembler';

/** Feeds 0..numel-1 in the given chunk sizes; returns every group seen as [first, last + 1] of its values. */
function groupsSeen(rowLength: number, groupSize: number, numel: number, chunkSizes: number[]): [number, number][] {
  const a = new GroupAssembler(rowLength, groupSize);
  const seen: [number, number][] = [];
  let start = 0;
  for (let k = 0; start < numel; k++) {
    const n = Math.min(chunkSizes[k % chunkSizes.length]!, numel - start);
    const chunk = Float32Array.from({ length: n }, (_, i) => start + i);
    a.feed(chunk, n, start, (values, from, to, firstIndex) => {
      assert.equal(values[from], firstIndex, 'firstIndex names the span start');
      forEachGroup(a, from, to, firstIndex, (gFrom, gTo) => {
        for (let i = gFrom; i < gTo; i++) assert.equal(values[i], values[gFrom]! + (i - gFrom), 'a group is contiguous');
        seen.push([values[gFrom]!, values[gTo - 1]! + 1]);
      });
    });
    start += n;
  }
  assert.ok(a.drained);
  return seen;
}

function expectedGroups(rowLength: number, groupSize: number, numel: number): [number, number][] {
  const out: [number, number][] = [];
  for (let row = 0; row < numel; row += rowLength) {
    for (let g = row; g < row + rowLength; g += groupSize) out.push([g, Math.min(g + groupSize, row + rowLength)]);
  }
  return out;
}

describe('GroupAssembler', () => {
  const cases: [number, number, number[]][] = [
    [10, 4, [7]], [10, 4, [1]], [10, 4, [3, 11, 2]], [100, 128, [33]], [300, 128, [1000]],
    [64, 64, [5, 64, 200]], [1000, 7, [13, 1]], [5, 2, [4]],
  ];
  for (const [rowLength, groupSize, chunks] of cases) {
    it(`rows of ${rowLength}, groups of ${groupSize}, chunks of ${chunks.join('/')}: every group once, whole, in order`, () => {
      const numel = rowLength * 6;
      assert.deepEqual(groupsSeen(rowLength, groupSize, numel, chunks), expectedGroups(rowLength, groupSize, numel));
    });
  }

  it('a group longer than several chunks is carried over until complete', () => {
    assert.deepEqual(groupsSeen(50, 50, 150, [8]), [[0, 50], [50, 100], [100, 150]]);
  });
});
