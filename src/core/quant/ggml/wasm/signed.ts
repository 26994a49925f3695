/** The symmetric fits for 4 sub-blocks at once, one per lane: make_qx_quants (Q6_K) and make_q3_quants (Q3_K). */
import { f32, f32x4, forRange, get, I32, i32, i32x4, seq, set, v128, when, type Code, type Func, type Local } from './asm';
import { GROUP_MAX_EPS } from '../kquantFit';
import { choose, clamp, forValues, kernel, loadGroup, LT, nearestClampedF, nearestInt, vectors, WT, WXT, XT, type Kernel } from './lanes';

const X = (k: Kernel): Code => v128.load(get(k.o), XT);
const zero = f32x4.const(0);

/**
 * Gathers the group into XT, finds per lane the value of largest |x| (first on ties) into `max`,
 * and marks in `tiny` the lanes whose largest |x| is below GROUP_MAX_EPS.
 */
export function absMax(k: Kernel, n: number, max: Local, tiny: Local): Code {
  const { xi, ax, amax, bigger } = vectors(k.f, ['xi', 'ax', 'amax', 'bigger']);
  return seq(
    set(amax, zero),
    set(max, zero),
    loadGroup(k, n, xi,
      set(ax, f32x4.abs(get(xi))),
      set(bigger, f32x4.gt(get(ax), get(amax))),
      set(max, choose(get(bigger), get(xi), get(max))),
      set(amax, choose(get(bigger), get(ax), get(amax)))),
    set(tiny, f32x4.lt(get(amax), f32x4.const(GROUP_MAX_EPS))));
}

/** level = MAX(-nmax, MIN(nmax - 1, nearest_int(iscale * x))). */
function level(k: Kernel, iscale: Local, nmax: number): Code {
  return clamp(nearestInt(f32x4.mul(get(iscale), X(k))), -nmax, nmax - 1);
}

/**
 * Levels + nmax in [0, 2 nmax) and the scale by weighted least squares (weights x^2), trying 18
 * more inverse scales around -nmax/max. // ggml-quants.c: make_qx_quants, rmse_type 1, no quant weights
 */
export function qxKernel(name: string, n: number, nmax: number): Func {
  return kernel(name, n, (k) => {
    const { max, tiny, iscale, l, lf, sumlx, suml2, scale, best, better, newScale, bestIscale, top, bottom } = vectors(k.f,
      ['max', 'tiny', 'iscale', 'l', 'lf', 'sumlx', 'suml2', 'scale', 'best', 'better', 'newScale', 'bestIscale', 'top', 'bottom']);
    const is = k.f.local(I32);
    // w = x * x and w * x, as C multiplies them, computed once rather than on each of the 19 steps.
    const W = v128.load(get(k.o), WT);
    const WX = v128.load(get(k.o), WXT);
    // The first step's sums, as C computes them.
    const sums = seq(
      set(sumlx, zero),
      set(suml2, zero),
      forValues(k, n, 0,
        set(l, level(k, iscale, nmax)),
        set(lf, f32x4.convertI32(get(l))),
        set(sumlx, f32x4.add(get(sumlx), f32x4.mul(WX, get(lf)))),
        set(suml2, f32x4.add(get(suml2), f32x4.mul(f32x4.mul(W, get(lf)), get(lf))))));
    const stepScale = (step: Code): Code => set(iscale, f32x4.div(
      f32x4.splat(f32.neg(f32.add(f32.const(nmax), f32.mul(f32.const(Math.fround(0.1)), f32.convertI32(step))))),
      get(max)));
    const isBetter = set(better, v128.and(f32x4.gt(get(suml2), zero),
      f32x4.gt(f32x4.mul(get(sumlx), get(sumlx)), f32x4.mul(get(best), get(suml2)))));
    /**
     * C's 18 more steps, unrolled, levels as floats by nearest and clamps (3 instructions for nearest_int's
     * 3, the clamp's 2 and a conversion) and not stored: each lane's best iscale is kept and its levels
     * computed once at the end, as C computes them from it. Exact: |iscale * x| <= |iscale * max| < nmax + 1
     * for finite x; a lane with an infinite or NaN x has a NaN best from the start (its sums are infinite
     * or NaN whatever the levels), so no step is better in C or here.
     */
    const search = seq(
      set(top, f32x4.const(nmax - 1)),
      set(bottom, f32x4.const(-nmax)),
      set(bestIscale, get(iscale)),
      forRange(is, i32.const(-9), i32.const(10), 1,
        when(get(is),
          stepScale(get(is)),
          set(sumlx, zero),
          set(suml2, zero),
          ...Array.from({ length: n }, (_, i) => seq(
            set(lf, nearestClampedF(f32x4.mul(get(iscale), v128.load(i32.const(0), XT + 16 * i)), get(bottom), get(top))),
            set(sumlx, f32x4.add(get(sumlx), f32x4.mul(v128.load(i32.const(0), WXT + 16 * i), get(lf)))),
            set(suml2, f32x4.add(get(suml2), f32x4.mul(f32x4.mul(v128.load(i32.const(0), WT + 16 * i), get(lf)), get(lf)))))),
          isBetter,
          set(newScale, f32x4.div(get(sumlx), get(suml2))),
          set(scale, choose(get(better), get(newScale), get(scale))),
          set(best, choose(get(better), f32x4.mul(get(newScale), get(sumlx)), get(best))),
          set(bestIscale, choose(get(better), get(iscale), get(bestIscale))))),
      forValues(k, n, 0, v128.store(get(k.o), i32x4.add(level(k, bestIscale, nmax), i32x4.const(nmax)), LT)));
    const code = seq(
      absMax(k, n, max, tiny),
      // ggml returns early for all-tiny sub-blocks (masked below): a group of them skips the rest.
      when(i32.eqz(i32x4.allTrue(get(tiny))),
        forValues(k, n, 0,
          v128.store(get(k.o), f32x4.mul(X(k), X(k)), WT),
          v128.store(get(k.o), f32x4.mul(W, X(k)), WXT)),
        set(iscale, f32x4.div(f32x4.const(-nmax), get(max))),
        sums,
        // C's `suml2 ? sumlx/suml2 : 0`: NaN counts as true.
        set(scale, v128.and(f32x4.div(get(sumlx), get(suml2)), f32x4.ne(get(suml2), zero))),
        set(best, f32x4.mul(get(scale), get(sumlx))),
        search),
      maskTiny(k, n, scale, tiny));
    return { code, scale };
  });
}

/**
 * Levels + nmax in [0, 2 nmax) with weights x^2, refined value by value for up to 5 passes while
 * any changes, and the least-squares scale. // ggml-quants.c: make_q3_quants, do_rmse
 */
export function q3Kernel(name: string, n: number, nmax: number): Func {
  return kernel(name, n, (k) => {
    const { xi, max, tiny, iscale, l, lf, w, wx, sumlx, suml2, scale } = vectors(k.f,
      ['xi', 'max', 'tiny', 'iscale', 'l', 'lf', 'w', 'wx', 'sumlx', 'suml2', 'scale']);
    const { slx, sl2, newL, newLf, slxNew, sl2New, take, changed } = vectors(k.f,
      ['slx', 'sl2', 'newL', 'newLf', 'slxNew', 'sl2New', 'take', 'changed']);
    const itry = k.f.local(I32);
    const more = k.f.local(I32);
    const L = v128.load(get(k.o), LT);
    const sq = (a: Local): Code => f32x4.mul(get(a), get(a));
    const refine = forValues(k, n, 0,
      set(xi, X(k)),
      set(l, L),
      set(lf, f32x4.convertI32(get(l))),
      set(w, sq(xi)),
      set(wx, f32x4.mul(get(w), get(xi))),
      set(slx, f32x4.sub(get(sumlx), f32x4.mul(get(wx), get(lf)))),
      set(sl2, f32x4.sub(get(suml2), f32x4.mul(f32x4.mul(get(w), get(lf)), get(lf)))),
      set(newL, clamp(nearestInt(f32x4.div(f32x4.mul(get(xi), get(sl2)), get(slx))), -nmax, nmax - 1)),
      set(newLf, f32x4.convertI32(get(newL))),
      set(slxNew, f32x4.add(get(slx), f32x4.mul(get(wx), get(newLf)))),
      set(sl2New, f32x4.add(get(sl2), f32x4.mul(f32x4.mul(get(w), get(newLf)), get(newLf)))),
      set(take, v128.and(
        v128.and(f32x4.gt(get(slx), zero), i32x4.ne(get(newL), get(l))),
        v128.and(f32x4.gt(get(sl2New), zero),
          f32x4.gt(f32x4.mul(sq(slxNew), get(suml2)), f32x4.mul(sq(sumlx), get(sl2New)))))),
      v128.store(get(k.o), choose(get(take), get(newL), get(l)), LT),
      set(sumlx, choose(get(take), get(slxNew), get(sumlx))),
      set(suml2, choose(get(take), get(sl2New), get(suml2))),
      set(changed, v128.or(get(changed), get(take))));
    const code = seq(
      absMax(k, n, max, tiny),
      set(iscale, f32x4.div(f32x4.const(-nmax), get(max))),
      set(sumlx, zero),
      set(suml2, zero),
      forValues(k, n, 0,
        set(l, level(k, iscale, nmax)),
        v128.store(get(k.o), get(l), LT),
        set(lf, f32x4.convertI32(get(l))),
        set(w, f32x4.mul(X(k), X(k))),
        set(sumlx, f32x4.add(get(sumlx), f32x4.mul(f32x4.mul(get(w), X(k)), get(lf)))),
        set(suml2, f32x4.add(get(suml2), f32x4.mul(f32x4.mul(get(w), get(lf)), get(lf))))),
      // A lane whose pass changed nothing would change nothing again, so passes run while any lane changes.
      set(more, i32.const(1)),
      forRange(itry, i32.const(0), i32.const(5), 1,
        when(get(more),
          set(changed, zero),
          refine,
          set(more, v128.anyTrue(v128.andnot(get(changed), get(tiny)))))),
      forValues(k, n, 0, v128.store(get(k.o), i32x4.add(L, i32x4.const(nmax)), LT)),
      set(scale, v128.and(f32x4.div(get(sumlx), get(suml2)), f32x4.gt(get(suml2), zero))),
      maskTiny(k, n, scale, tiny));
    return { code, scale };
  });
}

/** ggml returns level 0 and scale 0 for all-tiny sub-blocks; their lanes ran along and are cleared here. */
export function maskTiny(k: Kernel, n: number, scale: Local, tiny: Local): Code {
  return seq(
    set(scale, v128.andnot(get(scale), get(tiny))),
    forValues(k, n, 0, v128.store(get(k.o), v128.andnot(v128.load(get(k.o), LT), get(tiny)), LT)));
}
