import type { IntScheme } from '../../../src/shared/analysisTypes';

/**
 * One-shot reference of the int schemes, written plainly from CLI.md and the torch / ORT
 * sources, independent of the streaming core: the tests compare the two.
 */

const f32 = Math.fround;

function rint(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && Math.abs(r % 2) === 1 ? r - 1 : r;
}

interface P { s: number; z: number; lo: number; hi: number; inv: boolean }

export function referenceParams(min: number, max: number, scheme: Pick<IntScheme, 'bits' | 'mode' | 'convention'>): P {
  const b = scheme.bits;
  const sym = scheme.mode === 'symmetric';
  if (scheme.convention === 'lecture') {
    if (sym) return { s: f32(Math.max(Math.abs(min), Math.abs(max)) / (2 ** (b - 1) - 1)), z: 0, lo: -(2 ** (b - 1)), hi: 2 ** (b - 1) - 1, inv: false };
    const s = f32(f32(max - min) / (2 ** b - 1));
    return { s, z: s === 0 ? 0 : -rint(f32(min / s)), lo: 0, hi: 2 ** b - 1, inv: false };
  }
  const mn = Math.min(min, 0);
  const mx = Math.max(max, 0);
  if (scheme.convention === 'torch') {
    const eps = 2 ** -23;
    if (sym) return { s: Math.max(f32(Math.max(-mn, mx) / ((2 ** b - 1) / 2)), eps), z: 0, lo: -(2 ** (b - 1)), hi: 2 ** (b - 1) - 1, inv: true };
    const s = Math.max(f32(f32(mx - mn) / (2 ** b - 1)), eps);
    return { s, z: Math.min(2 ** b - 1, -rint(f32(mn / s))), lo: 0, hi: 2 ** b - 1, inv: true };
  }
  if (sym) {
    const a = Math.max(-mn, mx);
    const [lo, hi] = b === 4 ? [-8, 7] : [-(2 ** (b - 1) - 1), 2 ** (b - 1) - 1];
    const s64 = f32(2 * a) / (hi - lo);
    return s64 < 2 ** -126 ? { s: 1, z: 0, lo, hi, inv: false } : { s: f32(s64), z: rint((lo + hi) / 2), lo, hi, inv: false };
  }
  const s64 = f32(mx - mn) / (2 ** b - 1);
  return s64 < 2 ** -126 ? { s: 1, z: 0, lo: 0, hi: 2 ** b - 1, inv: false } : { s: f32(s64), z: rint(-mn / s64), lo: 0, hi: 2 ** b - 1, inv: false };
}

export function referenceDeq(v: number, p: P): number {
  if (!Number.isFinite(v) || p.s === 0) return v;
  const t = p.inv ? f32(v * f32(1 / p.s)) : f32(v / p.s);
  const q = Math.min(p.hi, Math.max(p.lo, rint(t) + p.z));
  return f32(p.s * (q - p.z));
}

/** Segment of each element: 0 per tensor, the channel along `axis`, or row * groupsPerRow + group. */
export function segmentOf(scheme: IntScheme, shape: readonly number[]): (i: number) => number {
  if (scheme.granularity === 'tensor') return () => 0;
  const last = shape[shape.length - 1]!;
  if (scheme.granularity === 'group') {
    const g = scheme.groupSize!;
    const perRow = Math.ceil(last / g);
    return (i) => Math.floor(i / last) * perRow + Math.floor((i % last) / g);
  }
  const inner = shape.slice(scheme.axis + 1).reduce((a, b) => a * b, 1);
  return (i) => Math.floor(i / inner) % shape[scheme.axis]!;
}

/** deq of every element, one-shot. */
export function referenceRoundTrip(x: Float32Array, shape: readonly number[], scheme: IntScheme): Float32Array {
  const seg = segmentOf(scheme, shape);
  const ranges = new Map<number, [number, number]>();
  x.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    const r = ranges.get(seg(i)) ?? [Infinity, -Infinity];
    ranges.set(seg(i), [Math.min(r[0], v), Math.max(r[1], v)]);
  });
  const params = new Map([...ranges].map(([k, [lo, hi]]) => [k, referenceParams(lo, hi, scheme)]));
  return x.map((v, i) => referenceDeq(v, params.get(seg(i)) ?? referenceParams(0, 0, scheme)));
}

/** MSE and max |err| over finite values, one-shot, float64. */
export function referenceErrors(x: Float32Array, deq: Float32Array): { mse: number; maxAbsErr: number; sumSqErr: number; n: number } {
  let sumSqErr = 0;
  let maxAbsErr = 0;
  let n = 0;
  x.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    const e = v - deq[i]!;
    sumSqErr += e * e;
    maxAbsErr = Math.max(maxAbsErr, Math.abs(e));
    n++;
  });
  return { mse: sumSqErr / n, maxAbsErr, sumSqErr, n };
}
