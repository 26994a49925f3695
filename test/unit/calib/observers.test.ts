import * as assert from 'node:assert/strict';
import { ActivationObserver } from '../../../src/core/calib/observe/activationObserver';
import { StreamingHistogram } from '../../../src/core/calib/observe/streamingHistogram';
import { Prng } from '../../../src/core/calib/data/prng';
import { histogramChunk } from '../../../src/core/metrics/histogramKernel';

function normal(n: number, seed: number, scale = 1, shift = 0): Float32Array {
  const p = new Prng(seed);
  return Float32Array.from({ length: n }, () => p.normal() * scale + shift);
}

function range(x: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);

describe('activation observers', () => {
  it('bins the first batch over its own range, as torch.histc does', () => {
    const x = normal(5000, 1);
    const [lo, hi] = range(x);
    const h = new StreamingHistogram('signed');
    h.add(x, lo, hi);
    const expected = new Float64Array(2048);
    histogramChunk(x, 0, x.length, lo, hi, expected, 0);
    const snap = h.snapshot()!;
    assert.deepEqual([snap.lo, snap.hi], [lo, hi]);
    assert.deepEqual(snap.counts, expected);
  });

  it('adds a batch inside the range bin for bin, and keeps every count when the range grows', () => {
    const h = new StreamingHistogram('signed');
    const a = normal(4000, 2);
    const [alo, ahi] = range(a);
    h.add(a, alo, ahi);
    const inside = a.slice(0, 1000);
    h.add(inside, ...range(inside));
    assert.equal(sum(h.snapshot()!.counts), 5000);
    const wide = normal(3000, 3, 4, 1);
    const [wlo, whi] = range(wide);
    h.add(wide, wlo, whi);
    const snap = h.snapshot()!;
    assert.equal(snap.lo, Math.min(alo, wlo));
    assert.equal(snap.hi, Math.max(ahi, whi));
    assert.ok(Math.abs(sum(snap.counts) - 8000) < 1e-6);
    // The re-binned old counts stay where they were: the mean of the histogram matches the data's.
    const width = (snap.hi - snap.lo) / 2048;
    const mean = snap.counts.reduce((s, c, i) => s + c * (snap.lo + (i + 0.5) * width), 0) / 8000;
    const trueMean = ([...a, ...inside, ...wide].reduce((s, v) => s + v, 0)) / 8000;
    assert.ok(Math.abs(mean - trueMean) < 2 * width, `${mean} vs ${trueMean}`);
  });

  it('moves a constant first batch into the bin of its value', () => {
    const h = new StreamingHistogram('signed');
    h.add(new Float32Array(10), 0, 0);
    h.add(Float32Array.of(-1, 1), -1, 1);
    const snap = h.snapshot()!;
    assert.equal(snap.counts[1024], 10);
    assert.equal(sum(snap.counts), 12);
  });

  it('keeps running min/max like MinMaxObserver and counts non-finite values apart', () => {
    const o = new ActivationObserver();
    o.add(Float32Array.of(1, 2, NaN, 3), [4]);
    o.add(Float32Array.of(-5, Infinity, 0.5), [3]);
    assert.deepEqual([o.min, o.max, o.count, o.nonFinite], [-5, 3, 5, 2]);
    const input = o.rangeInput()!;
    assert.equal(input.calibration!.absolute.hi, 5);
    assert.equal(o.displayHistogram().counts.length, 128);
  });
});
