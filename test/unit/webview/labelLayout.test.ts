import * as assert from 'node:assert/strict';
import { placeLabels, rowsUsed, type LabelBox, type LineLabel } from '../../../webview/labelLayout';

const SPACING = { rowHeight: 14, gap: 3 };
/** A band of 4 rows above a plot whose top is at y = 100. */
const BAND = { left: 50, right: 450, top: 100 - 4 * 14, bottom: 100 };

function intersect(a: LabelBox, b: LabelBox): boolean {
  return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
}

function assertDisjoint(boxes: readonly (LabelBox | null)[]): void {
  const placed = boxes.filter((b): b is LabelBox => b !== null);
  for (const [i, a] of placed.entries()) for (const b of placed.slice(i + 1)) assert.ok(!intersect(a, b), `${a.text} and ${b.text} overlap`);
}

describe('placeLabels (threshold labels above a chart)', () => {
  it('puts labels of far-apart lines on the row next to the plot, right of their line', () => {
    const boxes = placeLabels([{ x: 100, text: 'a', width: 40 }, { x: 300, text: 'b', width: 40 }], BAND, SPACING);
    assert.deepEqual(boxes.map((b) => b && [b.left, b.top]), [[103, 86], [303, 86]]);
  });

  it('stacks labels of lines at (nearly) the same x on rows upward, none overlapping', () => {
    // The Tensor tab's case: mse, entropy and percentile clip near each other.
    const near: LineLabel[] = [0, 4, 8, 12].map((d, i) => ({ x: 200 + d, text: `method ${i} · MSE 1.23e-4`, width: 120 }));
    const stacked = placeLabels(near, BAND, SPACING);
    assertDisjoint(stacked);
    assert.deepEqual(stacked.map((b) => b?.top), [86, 72, 58, 44], 'one row each, upward from the plot');
    // Lines 10 px apart, right to left: each second label fits left of its line, beside the first.
    const paired = placeLabels([300, 290, 280, 270].map((x) => ({ x, text: `at ${x}`, width: 120 })), BAND, SPACING);
    assertDisjoint(paired);
    assert.deepEqual(paired.map((b) => b && [b.left, b.top]), [[303, 86], [167, 86], [283, 72], [147, 72]]);
    assert.equal(rowsUsed(paired, BAND, SPACING), 2);
  });

  it('flips a label left of its line at the right edge, and keeps every box in the band', () => {
    const [box] = placeLabels([{ x: 440, text: 'clip 0.5', width: 60 }], BAND, SPACING);
    assert.equal(box?.left, 440 - 3 - 60);
    const many = placeLabels(Array.from({ length: 12 }, (_, i) => ({ x: 60 + 30 * i, text: `l${i}`, width: 90 })), BAND, SPACING);
    assertDisjoint(many);
    for (const b of many) if (b) assert.ok(b.left >= BAND.left && b.left + b.width <= BAND.right && b.top >= BAND.top && b.top + b.height <= BAND.bottom);
  });

  it('leaves a label out when the band has no free place for it', () => {
    const labels = Array.from({ length: 6 }, (_, i) => ({ x: 250, text: `same x ${i}`, width: 150 }));
    const boxes = placeLabels(labels, BAND, SPACING);
    // Four rows, two sides each: eight places for six labels; a fifth row does not exist.
    assert.equal(boxes.filter((b) => b !== null).length, 6);
    const crowded = placeLabels(Array.from({ length: 9 }, () => ({ x: 250, text: 'x', width: 150 })), BAND, SPACING);
    assert.equal(crowded.filter((b) => b === null).length, 1);
    assertDisjoint(crowded);
    assert.equal(rowsUsed([], BAND, SPACING), 0);
  });
});
