import type { Histogram, IntResult } from '../src/shared/analysisTypes';

/** More ticks than this merge into a solid band: every level of 8 bits still shows. */
export const MAX_LEVEL_TICKS = 256;

/** Integer range of a result's codes: as the core reports it, else as its convention defines it (CLI.md, Conventions). */
export function codeRange(r: IntResult): { qmin: number; qmax: number } {
  if (r.qmin !== undefined && r.qmax !== undefined) return { qmin: r.qmin, qmax: r.qmax };
  if (r.mode === 'asymmetric') return { qmin: 0, qmax: 2 ** r.bits - 1 };
  const half = 2 ** (r.bits - 1);
  return r.convention === 'onnxruntime' ? { qmin: -(half - 1), qmax: half - 1 } : { qmin: -half, qmax: half - 1 };
}

/** The dequantized values a per-tensor scheme can produce; empty for channel / group schemes. */
export function quantLevels(r: IntResult): number[] {
  if (r.scale === null || r.zeroPoint === null || r.scale === 0) return [];
  const { qmin, qmax } = codeRange(r);
  if (qmax - qmin + 1 > MAX_LEVEL_TICKS) return [];
  const levels: number[] = [];
  for (let q = qmin; q <= qmax; q++) levels.push(r.scale * (q - r.zeroPoint));
  return levels;
}

/**
 * Where values saturate for a per-tensor scheme: beyond half a step past the last levels (values
 * closer than that round onto a level, as clippedPct counts them); null for channel / group schemes.
 */
export function saturationRange(r: IntResult): { lo: number; hi: number } | null {
  if (r.clipMin === null || r.clipMax === null || r.scale === null) return null;
  const halfStep = r.scale / 2;
  return { lo: r.clipMin - halfStep, hi: r.clipMax + halfStep };
}

/** Histogram bins as (centre, count) points; zeros become gaps on a log axis. */
export function histogramPoints(h: Histogram, logScale: boolean): { x: number; y: number | null }[] {
  const n = h.counts.length;
  const width = n > 0 ? (h.max - h.min) / n : 0;
  return h.counts.map((c, i) => ({ x: h.min + (i + 0.5) * width, y: logScale && c === 0 ? null : c }));
}

/** Scale per channel or group for the chosen scheme (lecture formulas), from each block's absmax and max − min. */
export function blockScales(stats: { absMax: readonly number[]; span: readonly number[] }, r: IntResult | undefined): number[] {
  if (!r) return [...stats.absMax];
  const { qmin, qmax } = codeRange(r);
  return r.mode === 'symmetric' ? stats.absMax.map((a) => a / qmax) : stats.span.map((s) => s / (qmax - qmin));
}
