// AssemblyScript: the bench's ceiling loops (scripts/bench/ceiling.ts): the int8
// quantize-dequantize-MSE loop, one figure of the table, with its sum in float32 and in f64, without
// the product's bookkeeping (no chunks, no non-finite lanes, no clamp: nothing clips at the data's
// own absmax). Results go to `out` (f64 slots) so no loop is optimized away; `out` also holds the
// loops' constants (V8 recomputes constants made before a SIMD loop in every iteration: see
// storeLoopConstants in src/wasm/kernels.ts).

const OUT_SCALE: usize = 64;

@inline function lowF64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

@inline function highF64(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

@inline function sumLanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Pass 1 of any per-tensor scheme: min and max of x[0..n) (n a multiple of 8) into out[0], out[1]. */
export function minMax(x: usize, n: i32, out: usize): void {
  let lo0 = f32x4.splat(Infinity);
  let hi0 = f32x4.splat(-Infinity);
  let lo1 = f32x4.splat(Infinity);
  let hi1 = f32x4.splat(-Infinity);
  for (let i = 0; i < n; i += 8) {
    const v0 = v128.load(x + (<usize>i << 2));
    const v1 = v128.load(x + (<usize>i << 2), 16);
    lo0 = f32x4.pmin(lo0, v0);
    hi0 = f32x4.pmax(hi0, v0);
    lo1 = f32x4.pmin(lo1, v1);
    hi1 = f32x4.pmax(hi1, v1);
  }
  const lo = f32x4.pmin(lo0, lo1);
  const hi = f32x4.pmax(hi0, hi1);
  store<f64>(out, <f64>Mathf.min(Mathf.min(f32x4.extract_lane(lo, 0), f32x4.extract_lane(lo, 1)), Mathf.min(f32x4.extract_lane(lo, 2), f32x4.extract_lane(lo, 3))));
  store<f64>(out, <f64>Mathf.max(Mathf.max(f32x4.extract_lane(hi, 0), f32x4.extract_lane(hi, 1)), Mathf.max(f32x4.extract_lane(hi, 2), f32x4.extract_lane(hi, 3))), 8);
}

/** The loop: x / scale rounded, times scale, the squared error summed in float32; out[0] = MSE (n a multiple of 8). */
export function mseF32(x: usize, n: i32, scale: f32, out: usize): void {
  store<f32>(out, scale, OUT_SCALE);
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  for (let i = 0; i < n; i += 8) {
    const s = v128.load32_splat(out, OUT_SCALE);
    const v0 = v128.load(x + (<usize>i << 2));
    const v1 = v128.load(x + (<usize>i << 2), 16);
    const e0 = f32x4.sub(v0, f32x4.mul(s, f32x4.nearest(f32x4.div(v0, s))));
    const e1 = f32x4.sub(v1, f32x4.mul(s, f32x4.nearest(f32x4.div(v1, s))));
    a0 = f32x4.add(a0, f32x4.mul(e0, e0));
    a1 = f32x4.add(a1, f32x4.mul(e1, e1));
  }
  const a = f32x4.add(a0, a1);
  const sum = <f64>f32x4.extract_lane(a, 0) + <f64>f32x4.extract_lane(a, 1) + <f64>f32x4.extract_lane(a, 2) + <f64>f32x4.extract_lane(a, 3);
  store<f64>(out, sum / <f64>n);
}

/** The same loop with the squared error summed in f64 (as the product and its tests); out[0] = MSE (n a multiple of 4). */
export function mseF64(x: usize, n: i32, scale: f32, out: usize): void {
  store<f32>(out, scale, OUT_SCALE);
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  for (let i = 0; i < n; i += 4) {
    const s = v128.load32_splat(out, OUT_SCALE);
    const v = v128.load(x + (<usize>i << 2));
    const d = f32x4.mul(s, f32x4.nearest(f32x4.div(v, s)));
    const eLo = f64x2.sub(lowF64(v), lowF64(d));
    const eHi = f64x2.sub(highF64(v), highF64(d));
    lo = f64x2.add(lo, f64x2.mul(eLo, eLo));
    hi = f64x2.add(hi, f64x2.mul(eHi, eHi));
  }
  store<f64>(out, sumLanes(f64x2.add(lo, hi)) / <f64>n);
}
