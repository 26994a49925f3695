/**
 * Dequantization straight from a fit's levels, scales and mins (no packed bytes): what a round trip
 * needs. Per sub-block: y = d * (level + bias) - m, in float32 as ggml's dequantize_row_* computes it.
 */
import { f32x4, forRange, Func, get, I32, i16x8, i32, i32x4, i8x16, set, v128, V128, type Code, type Local } from './asm';
import type { LevelLayout } from './lanes';

export interface DequantParams {
  readonly name: string;
  /** Values per sub-block (16 or 32). */
  readonly n: number;
  /** Where sub-block s's level bytes lie: levels + s * stride + offset ('bytes' packing only). */
  readonly layout: LevelLayout;
  /** Level bytes are int8 (Q8_0) rather than unsigned. */
  readonly signed: boolean;
  /** Added to each level before the product: -32 for Q6_K's stored 0..63. */
  readonly bias: number;
}

/** Byte lanes repeating 32-bit lane `lane` four times: a broadcast of one sub-block's scale. */
function broadcast(lane: number): number[] {
  return [0, 1, 2, 3].flatMap(() => [0, 1, 2, 3].map((b) => 4 * lane + b));
}

/**
 * deq(x, levels, scales, mins, groups): for `groups` groups of 4 sub-blocks, overwrites the values at
 * x with f32(d * (level + bias)) - m, d and m the sub-block's scale and min. // ggml: dequantize_row_q4_K .. q8_0
 */
export function dequantKernel(p: DequantParams): Func {
  const f = new Func(p.name, [I32, I32, I32, I32, I32]);
  const [x, levels, scales, mins, groups] = [0, 1, 2, 3, 4].map((i) => f.param(i)) as [Local, Local, Local, Local, Local];
  const g = f.local(I32);
  const [ds, ms, d, m, bytes, half] = [0, 1, 2, 3, 4, 5].map(() => f.local(V128)) as [Local, Local, Local, Local, Local, Local];
  const widen8 = p.signed ? [i16x8.extendLowI8x16S, i16x8.extendHighI8x16S] : [i16x8.extendLowI8x16U, i16x8.extendHighI8x16U];
  const widen16 = p.signed ? [i32x4.extendLowI16x8S, i32x4.extendHighI16x8S] : [i32x4.extendLowI16x8U, i32x4.extendHighI16x8U];
  const level = (q: Code): Code => f32x4.convertI32(p.bias ? i32x4.add(q, i32x4.const(p.bias)) : q);
  const body: Code[] = [set(ds, v128.load(get(scales))), set(ms, v128.load(get(mins)))];
  for (let s = 0; s < 4; s++) {
    body.push(set(d, i8x16.shuffle(get(ds), get(ds), broadcast(s))), set(m, i8x16.shuffle(get(ms), get(ms), broadcast(s))));
    for (let r = 0; r < p.n; r += 16) {
      body.push(set(bytes, v128.load(get(levels), s * p.layout.stride + p.layout.offset + r)));
      for (let h = 0; h < 2; h++) {
        body.push(set(half, widen8[h]!(get(bytes))));
        for (let q = 0; q < 2; q++) {
          const at = 4 * (s * p.n + r + 8 * h + 4 * q);
          body.push(v128.store(get(x), f32x4.sub(f32x4.mul(get(d), level(widen16[q]!(get(half)))), get(m)), at));
        }
      }
    }
  }
  f.body = forRange(g, i32.const(0), get(groups), 1,
    ...body,
    set(x, i32.add(get(x), i32.const(16 * p.n))),
    set(levels, i32.add(get(levels), i32.const(4 * p.layout.stride))),
    set(scales, i32.add(get(scales), i32.const(16))),
    set(mins, i32.add(get(mins), i32.const(16))));
  return f;
}
