import { binEdge, type CalibrationHistogram } from './calibrationHistogram';

/** ModelOpt / TensorRT: calib/histogram.py _compute_amax_entropy start_bin=128. */
export const ENTROPY_START_BIN = 128;

/**
 * amax minimising KL(P || Q) over the |x| histogram, ported from TensorRT pytorch-quantization /
 * ModelOpt `_compute_amax_entropy` (stride 1, start_bin 128):
 *   bins[0] = bins[1] (mute the zero spike); nbins = 2^(bits - 1 + unsigned);
 *   for i in start..len: P = bins[:i] with the tail folded into its last bin; Q = bins[:i] merged
 *   into nbins levels (np.digitize over linspace(0, i, nbins + 1)), each level's mass spread evenly
 *   over its non-empty bins; KL = scipy.stats.entropy(P, Q);
 *   amax = edge[i] for the last i reaching the minimum.
 * A divergence that is NaN (Q all zero) counts as +Infinity.
 */
export function modelOptEntropyAmax(h: CalibrationHistogram, bits: number, unsigned: boolean): number {
  const n = h.counts.length;
  const bins = Float64Array.from(h.counts);
  if (n > 1) bins[0] = bins[1]!;
  const nbins = 2 ** (bits - 1 + (unsigned ? 1 : 0));
  const start = Math.min(ENTROPY_START_BIN, n);
  let tail = 0;
  for (let j = start; j < n; j++) tail += bins[j]!;
  const levelMass = new Float64Array(nbins);
  const levelBins = new Float64Array(nbins);
  const level = new Int32Array(n);
  let bestI = n;
  let bestKl = Infinity;
  for (let i = Math.max(1, start); i <= n; i++) {
    if (i > start) tail -= bins[i - 1]!;
    levelMass.fill(0);
    levelBins.fill(0);
    const step = i / nbins;
    for (let j = 0, k = 0; j < i; j++) {
      // np.digitize(j, linspace(0, i, nbins + 1)) - 1: the last k with k * step <= j (the top edge is exactly i > j)
      while (k + 1 < nbins && (k + 1) * step <= j) k++;
      level[j] = k;
      if (bins[j]! !== 0) {
        levelMass[k]! += bins[j]!;
        levelBins[k]!++;
      }
    }
    let sumP = tail;
    let sumQ = 0;
    for (let j = 0; j < i; j++) {
      sumP += bins[j]!;
      if (bins[j]! !== 0) sumQ += levelMass[level[j]!]! / levelBins[level[j]!]!;
    }
    let kl = 0;
    for (let j = 0; j < i && kl !== Infinity; j++) {
      const p = (bins[j]! + (j === i - 1 ? tail : 0)) / sumP;
      if (p === 0) continue;
      const q = bins[j]! !== 0 ? levelMass[level[j]!]! / levelBins[level[j]!]! / sumQ : 0;
      kl = q > 0 ? kl + p * Math.log(p / q) : Infinity;
    }
    if (Number.isNaN(kl)) kl = Infinity;
    if (kl <= bestKl) {
      bestKl = kl;
      bestI = i;
    }
  }
  return binEdge(h, bestI);
}
