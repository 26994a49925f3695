/**
 * The scalar ports of ggml's fitting searches that the SIMD kernels replaced, kept as the readable
 * reference the kernels are checked against on many more inputs than the C vectors hold.
 */
import { f32, nearestInt } from '../../../../src/core/quant/ggml/cfloat';

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

/**
 * Unsigned levels in [0, nmax] with an offset: tries nstep+1 inverse scales around nmax/(max-min)
 * and solves weighted least squares for (scale, min) at each, min forced <= 0. Writes L, stores
 * -min in mins[mi] and returns the scale. // ggml: make_qkx2_quants
 */
export function makeQkx2Quants(
  n: number, nmax: number, x: Float32Array, xo: number, weights: Float32Array,
  L: Uint8Array, lo: number, mins: Float32Array, mi: number, Laux: Uint8Array,
  rmin: number, rdelta: number, nstep: number, useMad: boolean,
): number {
  let min = x[xo]!;
  let max = x[xo]!;
  let sumW = weights[0]!;
  let sumX = f32(sumW * x[xo]!);
  for (let i = 1; i < n; i++) {
    const xi = x[xo + i]!;
    if (xi < min) min = xi;
    if (xi > max) max = xi;
    const w = weights[i]!;
    sumW = f32(sumW + w);
    sumX = f32(sumX + f32(w * xi));
  }
  if (min > 0) min = 0;
  if (max === min) {
    L.fill(0, lo, lo + n);
    mins[mi] = -min;
    return 0;
  }
  let iscale = f32(nmax / f32(max - min));
  let scale = f32(1 / iscale);
  let bestError = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]!;
    const l = clamp(nearestInt(f32(iscale * f32(xi - min))), 0, nmax);
    L[lo + i] = l;
    let diff = f32(f32(f32(scale * l) + min) - xi);
    diff = useMad ? Math.abs(diff) : f32(diff * diff);
    bestError = f32(bestError + f32(weights[i]! * diff));
  }
  for (let is = 0; is <= nstep; is++) {
    // min is the best fit so far, so the candidate range moves as the search improves.
    iscale = f32(f32(f32(rmin + f32(rdelta * is)) + nmax) / f32(max - min));
    let sumL = 0;
    let sumL2 = 0;
    let sumXL = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[xo + i]!;
      const l = clamp(nearestInt(f32(iscale * f32(xi - min))), 0, nmax);
      Laux[i] = l;
      const w = weights[i]!;
      const wl = f32(w * l);
      sumL = f32(sumL + wl);
      sumL2 = f32(sumL2 + f32(wl * l));
      sumXL = f32(sumXL + f32(wl * xi));
    }
    const D = f32(f32(sumW * sumL2) - f32(sumL * sumL));
    if (D > 0) {
      let thisScale = f32(f32(f32(sumW * sumXL) - f32(sumX * sumL)) / D);
      let thisMin = f32(f32(f32(sumL2 * sumX) - f32(sumL * sumXL)) / D);
      if (thisMin > 0) {
        thisMin = 0;
        thisScale = f32(sumXL / sumL2);
      }
      let curError = 0;
      for (let i = 0; i < n; i++) {
        let diff = f32(f32(f32(thisScale * Laux[i]!) + thisMin) - x[xo + i]!);
        diff = useMad ? Math.abs(diff) : f32(diff * diff);
        curError = f32(curError + f32(weights[i]! * diff));
      }
      if (curError < bestError) {
        for (let i = 0; i < n; i++) L[lo + i] = Laux[i]!;
        bestError = curError;
        scale = thisScale;
        min = thisMin;
      }
    }
  }
  mins[mi] = -min;
  return scale;
}

