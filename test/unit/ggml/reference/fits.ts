/**
 * The scalar ports of ggml's fitting searches that the SIMD kernels replaced, kept as the readable
 * reference the kernels are checked against on many more inputs than the C vectors hold.
 */
import { f32, nearestInt } from '../../../../src/core/quant/ggml/cfloat';
import { GROUP_MAX_EPS } from '../../../../src/core/quant/ggml/kquantFit';
import { KVALUES_IQ4NL } from '../../../../src/core/quant/ggml/kvalues';

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

/** C's `0.1f`. */
const POINT_ONE = f32(0.1);

/**
 * Signed levels in [-nmax, nmax) with a weighted least-squares scale, trying 18 nearby inverse
 * scales. Writes L[lo..lo+n) = level + nmax and returns the scale. The form the reference
 * quantizers use: rmse_type = 1 (weights x^2), no importance weights. // ggml: make_qx_quants
 */
export function makeQxQuants(n: number, nmax: number, x: Float32Array, xo: number, L: Int8Array, lo: number): number {
  let max = 0;
  let amax = 0;
  for (let i = 0; i < n; i++) {
    const ax = Math.abs(x[xo + i]!);
    if (ax > amax) {
      amax = ax;
      max = x[xo + i]!;
    }
  }
  if (amax < GROUP_MAX_EPS) {
    L.fill(0, lo, lo + n);
    return 0;
  }
  let iscale = f32(-nmax / max);
  let sumlx = 0;
  let suml2 = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]!;
    const l = clamp(nearestInt(f32(iscale * xi)), -nmax, nmax - 1);
    L[lo + i] = l + nmax;
    const w = f32(xi * xi);
    sumlx = f32(sumlx + f32(f32(w * xi) * l));
    suml2 = f32(suml2 + f32(f32(w * l) * l));
  }
  // C's `suml2 ? ... : 0`: a NaN sum counts as true (JS truthiness would not).
  let scale = suml2 !== 0 ? f32(sumlx / suml2) : 0;
  let best = f32(scale * sumlx);
  for (let is = -9; is <= 9; is++) {
    if (is === 0) continue;
    iscale = f32(-f32(nmax + f32(POINT_ONE * is)) / max);
    sumlx = 0;
    suml2 = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[xo + i]!;
      const l = clamp(nearestInt(f32(iscale * xi)), -nmax, nmax - 1);
      const w = f32(xi * xi);
      sumlx = f32(sumlx + f32(f32(w * xi) * l));
      suml2 = f32(suml2 + f32(f32(w * l) * l));
    }
    if (suml2 > 0 && f32(sumlx * sumlx) > f32(best * suml2)) {
      for (let i = 0; i < n; i++) {
        L[lo + i] = nmax + clamp(nearestInt(f32(iscale * x[xo + i]!)), -nmax, nmax - 1);
      }
      scale = f32(sumlx / suml2);
      best = f32(scale * sumlx);
    }
  }
  return scale;
}

/**
 * Signed levels for Q3_K with weights x^2, refined level by level for up to 5 passes (the do_rmse
 * path, the one quantize_row_q3_K_ref takes). Writes L = level + nmax, returns the scale. // ggml: make_q3_quants
 */
export function makeQ3Quants(n: number, nmax: number, x: Float32Array, xo: number, L: Int8Array, lo: number): number {
  let max = 0;
  let amax = 0;
  for (let i = 0; i < n; i++) {
    const ax = Math.abs(x[xo + i]!);
    if (ax > amax) {
      amax = ax;
      max = x[xo + i]!;
    }
  }
  if (amax < GROUP_MAX_EPS) {
    L.fill(0, lo, lo + n);
    return 0;
  }
  const iscale = f32(-nmax / max);
  let sumlx = 0;
  let suml2 = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]!;
    const l = clamp(nearestInt(f32(iscale * xi)), -nmax, nmax - 1);
    L[lo + i] = l;
    const w = f32(xi * xi);
    sumlx = f32(sumlx + f32(f32(w * xi) * l));
    suml2 = f32(suml2 + f32(f32(w * l) * l));
  }
  for (let itry = 0; itry < 5; itry++) {
    let nChanged = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[xo + i]!;
      const li = L[lo + i]!;
      const w = f32(xi * xi);
      let slx = f32(sumlx - f32(f32(w * xi) * li));
      if (slx > 0) {
        let sl2 = f32(suml2 - f32(f32(w * li) * li));
        const newL = clamp(nearestInt(f32(f32(xi * sl2) / slx)), -nmax, nmax - 1);
        if (newL !== li) {
          slx = f32(slx + f32(f32(w * xi) * newL));
          sl2 = f32(sl2 + f32(f32(w * newL) * newL));
          if (sl2 > 0 && f32(f32(slx * slx) * suml2) > f32(f32(sumlx * sumlx) * sl2)) {
            L[lo + i] = newL;
            sumlx = slx;
            suml2 = sl2;
            nChanged++;
          }
        }
      }
    }
    if (!nChanged) break;
  }
  for (let i = 0; i < n; i++) L[lo + i] = L[lo + i]! + nmax;
  return suml2 > 0 ? f32(sumlx / suml2) : 0;
}

/**
 * One sub-block of 32 of quantize_row_iq4_nl_impl without importance weights: the levels of the
 * first inverse scale into L[lo..lo+32) and the scale after 2 ntry + 1 more tries. // ggml: quantize_row_iq4_nl_impl
 */
export function iq4SubBlock(x: Float32Array, xo: number, ntry: number, L: Uint8Array, lo: number): number {
  const values = KVALUES_IQ4NL;
  let amax = 0;
  let max = 0;
  for (let j = 0; j < 32; j++) {
    const ax = Math.abs(x[xo + j]!);
    if (ax > amax) {
      amax = ax;
      max = x[xo + j]!;
    }
  }
  if (amax < GROUP_MAX_EPS) {
    L.fill(0, lo, lo + 32);
    return 0;
  }
  let d = ntry > 0 ? f32(-max / values[0]!) : f32(max / values[0]!);
  let id = f32(1 / d);
  let sumqx = 0;
  let sumq2 = 0;
  for (let j = 0; j < 32; j++) {
    const xj = x[xo + j]!;
    const l = bestIndexInt8(values, f32(id * xj));
    L[lo + j] = l;
    const q = values[l]!;
    const wq = f32(f32(xj * xj) * q);
    sumqx = f32(sumqx + f32(wq * xj));
    sumq2 = f32(sumq2 + f32(wq * q));
  }
  d = sumq2 > 0 ? f32(sumqx / sumq2) : 0;
  let best = f32(d * sumqx);
  for (let itry = -ntry; itry <= ntry; itry++) {
    id = f32((itry + values[0]!) / max);
    sumqx = 0;
    sumq2 = 0;
    for (let j = 0; j < 32; j++) {
      const xj = x[xo + j]!;
      const q = values[bestIndexInt8(values, f32(id * xj))]!;
      const wq = f32(f32(xj * xj) * q);
      sumqx = f32(sumqx + f32(wq * xj));
      sumq2 = f32(sumq2 + f32(wq * q));
    }
    if (sumq2 > 0 && f32(sumqx * sumqx) > f32(best * sumq2)) {
      d = f32(sumqx / sumq2);
      best = f32(d * sumqx);
    }
  }
  return d;
}

/**
 * Index of the level nearest to x in the sorted table (ties go up), by comparing 2x with the sum
 * of neighbours so both sides are exact. // ggml: best_index_int8
 */
export function bestIndexInt8(values: readonly number[], x: number): number {
  const x2 = f32(x + x);
  let idx = 0;
  for (let step = values.length >> 1; step > 0; step >>= 1) {
    const j = idx + step;
    if (x2 >= values[j - 1]! + values[j]!) idx = j;
  }
  return idx;
}
