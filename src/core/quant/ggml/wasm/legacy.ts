/** The fixed-formula quantizers of blocks of 32 (Q4_0, Q5_0, Q4_1, Q5_1, Q8_0), 4 blocks at once, one per lane. */
import { f32x4, i32, i32x4, seq, set, v128, get, type Code, type Func } from './asm';
import { choose, forValues, kernel, loadGroup, LT, MAGIC, vectors, XT, type Kernel, type LevelLayout } from './lanes';
import { absMax } from './signed';
import { FLT_MAX } from '../cfloat';

const N = 32;
const zero = f32x4.const(0);
const X = (k: Kernel): Code => v128.load(get(k.o), XT);

/**
 * C's `(int8_t)f` as gcc on x86 converts it: toward zero to 32 bits, out of range or NaN giving
 * 0x80000000 (whose low byte is 0), then the low 8 bits sign-extended. trunc_sat agrees but for
 * f >= 2^31, which it saturates to 0x7fffffff.
 */
function truncToInt8(v: Code): Code {
  const t = choose(f32x4.ge(v, f32x4.const(2147483648)), i32x4.const(0), i32x4.truncSatF32x4S(v));
  return i32x4.shrS(i32x4.shl(t, i32.const(24)), i32.const(24));
}

/** C's `d ? 1.0f/d : 0.0f` (a NaN d is true). */
function inverse(d: Code): Code {
  return choose(f32x4.eq(d, zero), zero, f32x4.div(f32x4.const(1), d));
}

/**
 * d = max / -half with max the value of largest |x| (first on ties), level = MIN(2 half - 1,
 * (int8_t)(x id + half + 0.5)). // ggml-quants.c: quantize_row_q4_0_ref (half 8), quantize_row_q5_0_ref (half 16)
 */
export function legacySymmetricKernel(name: string, half: number, layout?: LevelLayout): Func {
  return kernel(name, N, (k) => {
    const { max, tiny, d, id } = vectors(k.f, ['max', 'tiny', 'd', 'id']);
    const code = seq(
      absMax(k, N, max, tiny),
      set(d, f32x4.div(get(max), f32x4.const(-half))),
      set(id, inverse(get(d))),
      forValues(k, N, 0, v128.store(get(k.o),
        i32x4.minS(truncToInt8(f32x4.add(f32x4.mul(X(k), get(id)), f32x4.const(half + 0.5))), i32x4.const(2 * half - 1)), LT)));
    return { code, scale: d };
  }, layout);
}

/**
 * min and max from FLT_MAX / -FLT_MAX, d = (max - min) / top, level = MIN(top, (int8_t)((x - min) id + 0.5)),
 * or the cast alone when `clamp` is false (the same low byte). // ggml-quants.c: quantize_row_q4_1_ref
 * (top 15, clamped), quantize_row_q5_1_ref (top 31, `(uint8_t)` without MIN)
 */
export function legacyAffineKernel(name: string, top: number, clamp: boolean, layout?: LevelLayout): Func {
  return kernel(name, N, (k) => {
    const { xi, min, max, d, id } = vectors(k.f, ['xi', 'min', 'max', 'd', 'id']);
    const level = truncToInt8(f32x4.add(f32x4.mul(f32x4.sub(X(k), get(min)), get(id)), f32x4.const(0.5)));
    const code = seq(
      set(min, f32x4.const(FLT_MAX)),
      set(max, f32x4.const(-FLT_MAX)),
      loadGroup(k, N, xi,
        set(min, choose(f32x4.lt(get(xi), get(min)), get(xi), get(min))),
        set(max, choose(f32x4.gt(get(xi), get(max)), get(xi), get(max)))),
      set(d, f32x4.div(f32x4.sub(get(max), get(min)), f32x4.const(top))),
      set(id, inverse(get(d))),
      forValues(k, N, 0, v128.store(get(k.o), clamp ? i32x4.minS(level, i32x4.const(top)) : level, LT)));
    return { code, scale: d, min };
  }, layout);
}

/**
 * d = amax / 127 with amax = MAX(amax, |x|) (a NaN does not stick), level = (int8_t)roundf(x id):
 * half away from zero as r = trunc(v) + trunc(2 (v - trunc(v))), every step exact. r is an integer
 * within +-128 (|x| <= amax), an infinity (1 / d overflowed) or NaN, so the low byte of r + MAGIC's
 * bits is C's byte: r's own, 0 for the infinities (bits 7f800000), and NaN (whose payload may reach
 * the low byte) is masked to 0, as x86 converts it to 0x80000000. // ggml-quants.c: quantize_row_q8_0_ref
 */
export function q8Kernel(name: string, layout: LevelLayout): Func {
  return kernel(name, N, (k) => {
    const { xi, ax, amax, d, id, v, t, frac, r } = vectors(k.f, ['xi', 'ax', 'amax', 'd', 'id', 'v', 't', 'frac', 'r']);
    const code = seq(
      set(amax, zero),
      loadGroup(k, N, xi,
        set(ax, f32x4.abs(get(xi))),
        set(amax, choose(f32x4.gt(get(amax), get(ax)), get(amax), get(ax)))),
      set(d, f32x4.div(get(amax), f32x4.const(127))),
      set(id, inverse(get(d))),
      forValues(k, N, 0,
        set(v, f32x4.mul(X(k), get(id))),
        set(t, f32x4.trunc(get(v))),
        set(frac, f32x4.sub(get(v), get(t))),
        set(r, f32x4.add(get(t), f32x4.trunc(f32x4.add(get(frac), get(frac))))),
        v128.store(get(k.o), v128.and(f32x4.add(get(r), f32x4.const(MAGIC)), f32x4.eq(get(r), get(r))), LT)));
    return { code, scale: d };
  }, layout);
}
