/** make_qkx2_quants for 4 sub-blocks at once, one per lane (Q2_K, Q4_K, Q5_K). */
import { f32, f32x4, forRange, get, I32, i32, i32x4, seq, set, v128, when, type Code, type Func, type Local } from './asm';
import { choose, clamp, forValues, kernel, LA, loadGroup, LT, MAGIC, nearestInt, vectors, WT, XT } from './lanes';

export interface Qkx2Params {
  readonly name: string;
  readonly n: number;
  readonly nmax: number;
  readonly rmin: number;
  readonly rdelta: number;
  readonly nstep: number;
  /** Absolute instead of squared error. */
  readonly mad: boolean;
  /** Weights av_x + |x| with av_x the sub-block's RMS (Q4_K, Q5_K), else |x| (Q2_K). */
  readonly rmsWeights: boolean;
}

/**
 * Levels in [0, nmax], per-sub-block scale and mins = -min, as ggml's make_qkx2_quants computes
 * them with the weights its k-quant callers pass. // ggml-quants.c: make_qkx2_quants
 */
export function qkx2Kernel(q: Qkx2Params): Func {
  const { n, nmax } = q;
  return kernel(q.name, n, (k) => {
    const { xi, w, lf, wl, d, pos, min, max, sumW, sumX, sumX2, avX, iscale, scale, bestError } = vectors(k.f,
      ['xi', 'w', 'lf', 'wl', 'd', 'pos', 'min', 'max', 'sumW', 'sumX', 'sumX2', 'avX', 'iscale', 'scale', 'bestError']);
    const { sumL, sumL2, sumXL, D, thisScale, thisMin, curError, accept, flat, negMin } = vectors(k.f,
      ['sumL', 'sumL2', 'sumXL', 'D', 'thisScale', 'thisMin', 'curError', 'accept', 'flat', 'negMin']);
    const is = k.f.local(I32);
    const X = v128.load(get(k.o), XT);
    const W = v128.load(get(k.o), WT);
    const zero = f32x4.const(0);
    const add = (acc: Local, term: Code): Code => set(acc, f32x4.add(get(acc), term));
    /** weight * (|diff| or diff^2) for diff = s * level + m - x, the level a float. */
    const errTerm = (s: Code, level: Code, m: Code, x: Code, w: Code): Code => seq(
      set(d, f32x4.sub(f32x4.add(f32x4.mul(s, level), m), x)),
      f32x4.mul(w, q.mad ? f32x4.abs(get(d)) : f32x4.mul(get(d), get(d))));
    const levelAt = (s: Code, x: Code): Code => f32x4.convertI32(clamp(nearestInt(f32x4.mul(s, f32x4.sub(x, get(min)))), 0, nmax));
    /** The candidate steps' loops over the n values, unrolled: value i's vectors at fixed addresses. */
    const unrolled = (body: (at: number) => Code): Code => seq(...Array.from({ length: n }, (_, i) => body(16 * i)));
    const at0 = i32.const(0);
    const weights = q.rmsWeights
      ? seq(
        set(sumX2, zero),
        loadGroup(k, n, xi, add(sumX2, f32x4.mul(get(xi), get(xi)))),
        set(avX, f32x4.sqrt(f32x4.div(get(sumX2), f32x4.const(n)))),
        forValues(k, n, 0, v128.store(get(k.o), f32x4.add(get(avX), f32x4.abs(X)), WT)))
      : loadGroup(k, n, xi, v128.store(get(k.o), f32x4.abs(get(xi)), WT));
    // Levels are kept as floats in LT and LA (exact small integers) and made integers once at the end.
    const code = seq(
      weights,
      set(min, v128.load(i32.const(0), XT)),
      set(max, get(min)),
      set(sumW, v128.load(i32.const(0), WT)),
      set(sumX, f32x4.mul(get(sumW), get(min))),
      forRange(k.o, i32.const(16), i32.const(16 * n), 16,
        set(xi, X),
        set(min, choose(f32x4.lt(get(xi), get(min)), get(xi), get(min))),
        set(max, choose(f32x4.gt(get(xi), get(max)), get(xi), get(max))),
        set(w, W),
        add(sumW, get(w)),
        add(sumX, f32x4.mul(get(w), get(xi)))),
      set(min, v128.andnot(get(min), f32x4.gt(get(min), zero))),
      // ggml returns early for these lanes; here they run along and are masked at the end.
      set(flat, f32x4.eq(get(max), get(min))),
      set(bestError, zero),
      set(scale, zero),
      // A group of flat sub-blocks (all zero, say) skips the search: every result of theirs is masked.
      when(i32.eqz(i32x4.allTrue(get(flat))),
        set(iscale, f32x4.div(f32x4.const(nmax), f32x4.sub(get(max), get(min)))),
        set(scale, f32x4.div(f32x4.const(1), get(iscale))),
        unrolled((o) => seq(
          set(lf, levelAt(get(iscale), v128.load(at0, XT + o))),
          v128.store(at0, get(lf), LT + o),
          add(bestError, errTerm(get(scale), get(lf), get(min), v128.load(at0, XT + o), v128.load(at0, WT + o))))),
        forRange(is, i32.const(0), i32.const(q.nstep + 1), 1,
          set(iscale, f32x4.div(
            f32x4.splat(f32.add(f32.add(f32.const(q.rmin), f32.mul(f32.const(q.rdelta), f32.convertI32(get(is)))), f32.const(nmax))),
            f32x4.sub(get(max), get(min)))),
          set(sumL, zero),
          set(sumL2, zero),
          set(sumXL, zero),
          unrolled((o) => seq(
            set(lf, levelAt(get(iscale), v128.load(at0, XT + o))),
            v128.store(at0, get(lf), LA + o),
            set(wl, f32x4.mul(v128.load(at0, WT + o), get(lf))),
            add(sumL, get(wl)),
            add(sumL2, f32x4.mul(get(wl), get(lf))),
            add(sumXL, f32x4.mul(get(wl), v128.load(at0, XT + o))))),
          set(D, f32x4.sub(f32x4.mul(get(sumW), get(sumL2)), f32x4.mul(get(sumL), get(sumL)))),
          set(thisScale, f32x4.div(f32x4.sub(f32x4.mul(get(sumW), get(sumXL)), f32x4.mul(get(sumX), get(sumL))), get(D))),
          set(thisMin, f32x4.div(f32x4.sub(f32x4.mul(get(sumL2), get(sumX)), f32x4.mul(get(sumL), get(sumXL))), get(D))),
          set(pos, f32x4.gt(get(thisMin), zero)),
          set(thisMin, v128.andnot(get(thisMin), get(pos))),
          set(thisScale, choose(get(pos), f32x4.div(get(sumXL), get(sumL2)), get(thisScale))),
          set(curError, zero),
          unrolled((o) => add(curError,
            errTerm(get(thisScale), v128.load(at0, LA + o), get(thisMin), v128.load(at0, XT + o), v128.load(at0, WT + o)))),
          set(accept, v128.andnot(v128.and(f32x4.gt(get(D), zero), f32x4.lt(get(curError), get(bestError))), get(flat))),
          when(v128.anyTrue(get(accept)),
            unrolled((o) => v128.store(at0, choose(get(accept), v128.load(at0, LA + o), v128.load(at0, LT + o)), LT + o)),
            set(bestError, choose(get(accept), get(curError), get(bestError))),
            set(scale, choose(get(accept), get(thisScale), get(scale))),
            set(min, choose(get(accept), get(thisMin), get(min)))))),
      set(scale, v128.andnot(get(scale), get(flat))),
      set(negMin, f32x4.neg(get(min))),
      // The levels (exact small integers) as the low bytes of level + MAGIC, all the level bytes need.
      forValues(k, n, 0, v128.store(get(k.o), v128.andnot(f32x4.add(v128.load(get(k.o), LT), f32x4.const(MAGIC)), get(flat)), LT)));
    return { code, scale, min: negMin };
  });
}
