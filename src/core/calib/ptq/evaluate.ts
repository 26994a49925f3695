/**
 * Runs a model over the evaluation data and keeps what the PTQ report compares: the first
 * output of every sample (for top-1 and output SQNR) and, for weights+activations runs, the
 * signal and noise energy of every quantized activation against the float model's.
 */
import type { CalibData } from '../data/calibData';
import { throwIfAborted } from '../abort';
import { toFeeds } from '../feeds';
import type { ModelSession } from '../session';

export interface Energy {
  signal: number;
  noise: number;
}

export interface Evaluation {
  /** The first output, all samples, row-major. */
  readonly output: Float32Array;
  /** Elements of the first output per sample. */
  readonly perSample: number;
  /** Per compared activation: sum x^2 (float) and sum (x - y)^2. */
  readonly layers: ReadonlyMap<string, Energy>;
}

/** Pairs of (float model activation, quantized model tensor) to compare batch by batch. */
export interface LayerComparison {
  readonly float: ModelSession;
  readonly pairs: readonly (readonly [string, string])[];
}

export async function evaluate(
  session: ModelSession, outputName: string, data: CalibData, batch: number, compare: LayerComparison | null, signal?: AbortSignal,
): Promise<Evaluation> {
  const chunks: Float32Array[] = [];
  let perSample = 0;
  const layers = new Map<string, Energy>((compare?.pairs ?? []).map(([f]) => [f, { signal: 0, noise: 0 }]));
  const quantNames = [outputName, ...(compare?.pairs ?? []).map(([, q]) => q)];
  for await (const b of data.batches(batch)) {
    throwIfAborted(signal);
    const out = await session.run(toFeeds(session, b.feeds), quantNames);
    const y = out[outputName]!;
    perSample = y.dims.slice(1).reduce((a, d) => a * d, 1);
    chunks.push(Float32Array.from(y.data as Float32Array));
    if (compare) {
      const ref = await compare.float.run(toFeeds(compare.float, b.feeds), compare.pairs.map(([f]) => f));
      for (const [f, q] of compare.pairs) {
        const x = ref[f]!.data as Float32Array;
        const z = out[q]!.data as Float32Array;
        const e = layers.get(f)!;
        for (let i = 0; i < x.length; i++) {
          e.signal += x[i]! * x[i]!;
          e.noise += (x[i]! - z[i]!) ** 2;
        }
      }
    }
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const output = new Float32Array(total);
  let at = 0;
  for (const c of chunks) {
    output.set(c, at);
    at += c.length;
  }
  return { output, perSample, layers };
}

/** Index of the largest value of each sample. */
export function top1(e: Evaluation): Int32Array {
  const n = e.perSample === 0 ? 0 : e.output.length / e.perSample;
  const out = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    let best = 0;
    for (let k = 1; k < e.perSample; k++) if (e.output[s * e.perSample + k]! > e.output[s * e.perSample + best]!) best = k;
    out[s] = best;
  }
  return out;
}

/** Percent of positions where a and b agree. */
export function percentEqual(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return a.length === 0 ? 0 : (100 * same) / a.length;
}

/** 10 log10(signal / noise) in dB; null when the noise is zero (identical). */
export function sqnrDb(e: Energy): number | null {
  if (e.noise === 0) return null;
  return 10 * Math.log10(e.signal / e.noise);
}

export function outputEnergy(reference: Float32Array, quantized: Float32Array): Energy {
  const e: Energy = { signal: 0, noise: 0 };
  for (let i = 0; i < reference.length; i++) {
    e.signal += reference[i]! * reference[i]!;
    e.noise += (reference[i]! - quantized[i]!) ** 2;
  }
  return e;
}
