import { blockOf } from '../damage/roles';
import type { Imatrix } from './imatrixTypes';

/** How much input a weight sees and how unevenly its columns see it. */
export interface ImatrixStats {
  /** Sum over columns (and experts) of the mean squared activation. */
  readonly energy: number;
  /** Largest column over the mean column: how concentrated the important columns are. */
  readonly spread: number;
  /** Coefficient of variation of the columns (standard deviation over mean). */
  readonly cv: number;
  readonly columns: number;
}

export interface TensorImatrixStats extends ImatrixStats {
  readonly name: string;
}

export interface LayerImatrixStats extends ImatrixStats {
  /** The block (blk.N), or null for tensors outside the blocks. */
  readonly layer: number | null;
}

function statsOf(parts: readonly Float32Array[]): ImatrixStats {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  let max = 0;
  for (const values of parts) {
    for (const v of values) {
      sum += v;
      sumSq += v * v;
      if (v > max) max = v;
    }
    n += values.length;
  }
  const mean = n > 0 ? sum / n : 0;
  const variance = n > 0 ? Math.max(0, sumSq / n - mean * mean) : 0;
  return { energy: sum, spread: mean > 0 ? max / mean : 0, cv: mean > 0 ? Math.sqrt(variance) / mean : 0, columns: n };
}

export function tensorImatrixStats(imatrix: Imatrix): TensorImatrixStats[] {
  return [...imatrix.entries].map(([name, e]) => ({ name, ...statsOf([e.values]) }));
}

/** Per block: energy summed over its weights, spread and cv over all their columns together. */
export function layerImatrixStats(imatrix: Imatrix): LayerImatrixStats[] {
  const byLayer = new Map<number | null, Float32Array[]>();
  for (const [name, e] of imatrix.entries) {
    const layer = blockOf(name);
    const parts = byLayer.get(layer) ?? [];
    parts.push(e.values);
    byLayer.set(layer, parts);
  }
  return [...byLayer]
    .sort(([a], [b]) => (a ?? -1) - (b ?? -1))
    .map(([layer, parts]) => ({ layer, ...statsOf(parts) }));
}
