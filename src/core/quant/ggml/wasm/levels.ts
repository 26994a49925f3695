/** Levels against already quantized scales, 4 sub-blocks at once: the k-quants' and IQ4_XS's last pass, MXFP4. */
import { f32x4, get, i32x4, ifElse, seq, set, v128, type Code, type Func } from './asm';
import { KVALUES_MXFP4 } from '../kvalues';
import { bestIndex } from './iq4fit';
import { choose, clamp, kernel, loadGroup, loadLevels, LT, nearestInt, vectors } from './lanes';

/**
 * level = MAX(lo, MIN(hi, nearest_int((x + m) / d))) - lo with each sub-block's d in `scales` and m
 * in `mins` (0 for the symmetric types: x + 0 is x but for the sign of a zero, which rounds alike).
 * Sub-blocks with d == 0 keep their levels: ggml's `if (!d) continue;`, which does not skip a NaN d.
 * // ggml-quants.c: quantize_row_q2_K_ref .. quantize_row_q6_K_ref, last loop
 */
export function levelsKernel(name: string, n: number, lo: number, hi: number): Func {
  return kernel(name, n, (k) => {
    const { xi, d, m, keep } = vectors(k.f, ['xi', 'd', 'm', 'keep']);
    const level: Code = clamp(nearestInt(f32x4.div(f32x4.add(get(xi), get(m)), get(d))), lo, hi);
    const code = seq(
      set(d, v128.load(get(k.scales))),
      set(m, v128.load(get(k.mins))),
      set(keep, f32x4.eq(get(d), f32x4.const(0))),
      // Groups with no d == 0 lane (most, on real weights) need not read the fit's levels back.
      ifElse(v128.anyTrue(get(keep)),
        seq(
          loadLevels(k, n),
          loadGroup(k, n, xi,
            v128.store(get(k.o), choose(get(keep), v128.load(get(k.o), LT), i32x4.sub(level, i32x4.const(lo))), LT))),
        loadGroup(k, n, xi, v128.store(get(k.o), i32x4.sub(level, i32x4.const(lo)), LT))));
    // With d == 0 in every lane (all-zero sub-blocks, say) the levels written would be those read.
    return { code, skipIf: i32x4.allTrue(f32x4.eq(v128.load(get(k.scales)), f32x4.const(0))) };
  });
}

/** level = best_index_int8(idl * x) with each sub-block's idl in `scales`. // ggml-quants.c: quantize_row_iq4_nl_impl, IQ4_XS */
export function iq4LevelsKernel(name: string): Func {
  const n = 32;
  return kernel(name, n, (k) => {
    const { xi, idl, al, idx } = vectors(k.f, ['xi', 'idl', 'al', 'idx']);
    const code = seq(
      set(idl, v128.load(get(k.scales))),
      loadGroup(k, n, xi,
        set(al, f32x4.mul(get(idl), get(xi))),
        bestIndex(al, idx),
        v128.store(get(k.o), get(idx), LT)));
    return { code };
  });
}

/**
 * The first of MXFP4's 16 codes with the smallest |value * d - x|, d per sub-block in `scales`: code 0
 * (zero) comes first, so a level of the other sign or code 8 (zero again) is never strictly closer;
 * the error of -v against x < 0 is that of v against |x|, so codes 1..7 are tried on |x| and moved
 * to 9..15 for negative x. // ggml-quants.c: best_index_mxfp4
 */
export function mxfp4LevelsKernel(name: string): Func {
  const n = 32;
  return kernel(name, n, (k) => {
    const { xi, d, ax, err, bestErr, best, less } = vectors(k.f, ['xi', 'd', 'ax', 'err', 'bestErr', 'best', 'less']);
    const code = seq(
      set(d, v128.load(get(k.scales))),
      loadGroup(k, n, xi,
        set(ax, f32x4.abs(get(xi))),
        set(bestErr, get(ax)),
        set(best, i32x4.const(0)),
        ...KVALUES_MXFP4.slice(1, 8).map((v, i) => seq(
          set(err, f32x4.abs(f32x4.sub(f32x4.mul(f32x4.const(v), get(d)), get(ax)))),
          set(less, f32x4.lt(get(err), get(bestErr))),
          set(bestErr, choose(get(less), get(err), get(bestErr))),
          set(best, choose(get(less), i32x4.const(i + 1), get(best))))),
        set(best, i32x4.add(get(best), v128.and(i32x4.const(8),
          v128.and(f32x4.lt(get(xi), f32x4.const(0)), i32x4.ne(get(best), i32x4.const(0)))))),
        v128.store(get(k.o), get(best), LT)));
    return { code };
  });
}
