/** quantize_row_iq4_nl_impl's sub-block search for 4 sub-blocks of 32 at once, one per lane (IQ4_NL, IQ4_XS). */
import { KVALUES_IQ4NL } from '../kvalues';
import { f32, f32x4, forRange, get, I32, i32, i32x4, i8x16, seq, set, v128, type Code, type Func, type Local } from './asm';
import { choose, forValues, kernel, LT, vectors, XT } from './lanes';
import { absMax, maskTiny } from './signed';

const N = 32;
const V0 = KVALUES_IQ4NL[0]!;
/** values[j - 1] + values[j]: 2x at or above the j-th sum puts x at index j or beyond. */
const MIDS = KVALUES_IQ4NL.slice(1).map((v, j) => v + KVALUES_IQ4NL[j]!);
/** The levels as int8 bytes, for a byte swizzle. */
const TABLE = KVALUES_IQ4NL.map((v) => v & 0xff);
/** Swizzle indices >= 16 give 0: the index in a lane's low byte, zeros above. */
const HIGH_BYTES_OUT = 0x80808000 | 0;

/** idx = best_index_int8(al) per lane: how many neighbour sums 2 al reaches (comparison masks are -1). Doubles al. */
export function bestIndex(al: Local, idx: Local): Code {
  return seq(
    set(al, f32x4.add(get(al), get(al))),
    set(idx, i32x4.const(0)),
    ...MIDS.map((m) => set(idx, i32x4.sub(get(idx), f32x4.ge(get(al), f32x4.const(m))))));
}

/**
 * Per lane: the scale d of the sub-block, weights x^2, levels from the first inverse scale (the
 * ones IQ4_NL keeps), then 2 ntry + 1 more inverse scales tried. // ggml-quants.c: quantize_row_iq4_nl_impl
 */
export function iq4Kernel(name: string, ntry: number): Func {
  return kernel(name, N, (k) => {
    const { max, tiny, d, id, al, idx, q, w, wq, sumqx, sumq2, best, better, newD } = vectors(k.f,
      ['max', 'tiny', 'd', 'id', 'al', 'idx', 'q', 'w', 'wq', 'sumqx', 'sumq2', 'best', 'better', 'newD']);
    const itry = k.f.local(I32);
    const X = v128.load(get(k.o), XT);
    const zero = f32x4.const(0);
    const add = (acc: Local, term: Code): Code => set(acc, f32x4.add(get(acc), term));
    const level = f32x4.convertI32(i32x4.shrS(i32x4.shl(
      i8x16.swizzle(v128.bytes(TABLE), v128.or(get(idx), i32x4.const(HIGH_BYTES_OUT))), i32.const(24)), i32.const(24)));
    const sums = (keepLevels: boolean): Code => seq(
      set(sumqx, zero),
      set(sumq2, zero),
      forValues(k, N, 0,
        set(al, f32x4.mul(get(id), X)),
        bestIndex(al, idx),
        keepLevels ? v128.store(get(k.o), get(idx), LT) : [],
        set(q, level),
        set(w, f32x4.mul(X, X)),
        set(wq, f32x4.mul(get(w), get(q))),
        add(sumqx, f32x4.mul(get(wq), X)),
        add(sumq2, f32x4.mul(get(wq), get(q)))));
    const tries = ntry < 0 ? [] : forRange(itry, i32.const(-ntry), i32.const(ntry + 1), 1,
      set(id, f32x4.div(f32x4.splat(f32.convertI32(i32.add(get(itry), i32.const(V0)))), get(max))),
      sums(false),
      set(better, v128.and(f32x4.gt(get(sumq2), zero), f32x4.gt(f32x4.mul(get(sumqx), get(sumqx)), f32x4.mul(get(best), get(sumq2))))),
      set(newD, f32x4.div(get(sumqx), get(sumq2))),
      set(d, choose(get(better), get(newD), get(d))),
      set(best, choose(get(better), f32x4.mul(get(newD), get(sumqx)), get(best))));
    const code = seq(
      absMax(k, N, max, tiny),
      set(d, ntry > 0 ? f32x4.div(f32x4.neg(get(max)), f32x4.const(V0)) : f32x4.div(get(max), f32x4.const(V0))),
      set(id, f32x4.div(f32x4.const(1), get(d))),
      sums(true),
      set(d, v128.and(f32x4.div(get(sumqx), get(sumq2)), f32x4.gt(get(sumq2), zero))),
      set(best, f32x4.mul(get(d), get(sumqx))),
      tries,
      maskTiny(k, N, d, tiny));
    return { code, scale: d };
  });
}
