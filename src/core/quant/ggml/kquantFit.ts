/** The scale / min searches shared by the k-quants, ported from ggml-quants.c in float arithmetic. */
import { f32, nearestInt } from './cfloat';

/** Values per k-quant super-block. // ggml-common.h: QK_K */
export const QK_K = 256;

/** Groups whose largest |x| is below this are treated as all zero. // ggml-quants.c: GROUP_MAX_EPS 1e-15f */
export const GROUP_MAX_EPS = f32(1e-15);

/** C's `0.1f`. */
const POINT_ONE = f32(0.1);

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

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
  let scale = suml2 ? f32(sumlx / suml2) : 0;
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

/** 6-bit scale and min of sub-block j from the 12 packed bytes at q[qo]: scale | min << 8. // ggml: get_scale_min_k4 */
export function getScaleMinK4(j: number, q: Uint8Array, qo: number): number {
  if (j < 4) return (q[qo + j]! & 63) | ((q[qo + j + 4]! & 63) << 8);
  const d = (q[qo + j + 4]! & 0xf) | ((q[qo + j - 4]! >> 6) << 4);
  const m = (q[qo + j + 4]! >> 4) | ((q[qo + j]! >> 6) << 4);
  return d | (m << 8);
}

/** Packs 6-bit scales and mins of 8 sub-blocks into 12 bytes, as Q4_K and Q5_K store them. // ggml: quantize_row_q4_K_ref */
export function packScaleMinK4(ls: Uint8Array, lm: Uint8Array, dst: Uint8Array, o: number): void {
  for (let j = 0; j < 8; j++) {
    if (j < 4) {
      dst[o + j] = ls[j]!;
      dst[o + j + 4] = lm[j]!;
    } else {
      dst[o + j + 4] = (ls[j]! & 0xf) | ((lm[j]! & 0xf) << 4);
      dst[o + j - 4] = dst[o + j - 4]! | ((ls[j]! >> 4) << 6);
      dst[o + j] = dst[o + j]! | ((lm[j]! >> 4) << 6);
    }
  }
}

/** Packs 256 2-bit levels four to a byte, 32 bytes per 128 values. // ggml: quantize_row_q2_K_ref, q3_K */
export function pack2Bit(L: Uint8Array | Int8Array, lo: number, dst: Uint8Array, o: number): void {
  for (let j = 0; j < QK_K; j += 128) {
    for (let l = lo + j; l < lo + j + 32; l++) {
      dst[o + j / 4 + l - lo - j] = L[l]! | (L[l + 32]! << 2) | (L[l + 64]! << 4) | (L[l + 96]! << 6);
    }
  }
}
