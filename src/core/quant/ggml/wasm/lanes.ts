/**
 * What the SIMD kernels share: the memory map, the loop over groups of 4 sub-blocks, and per-lane
 * forms of ggml's scalar steps. Each lane runs one sub-block's float32 arithmetic in ggml's order.
 */
import { f32x4, forRange, Func, get, I32, i16x8, i32, i32x4, i8x16, seq, set, v128, V128, when, type Code, type Local } from './asm';

/** Scratch vectors, value i of the 4 sub-blocks at base + 16 i (sub-blocks of at most 32 values). */
export const XT = 0;
export const WT = 512;
export const LT = 1024;
export const LA = 1536;
/** A second per-value weight product a fit keeps across its steps (Q6_K: x^3). */
export const WXT = 2048;
/** One vector a kernel leaves for the caller to read (the input check's non-finite lanes). */
export const FLAGS = 3072;
/** Values per kernel call: the input chunk, then one level byte per value, then per-sub-block results. */
export const CHUNK = 8192;
export const IN = 4096;
export const LEVELS = IN + 4 * CHUNK;
/** Room for a chunk's ggml blocks with their headers (Q8_0: 34 bytes per 32 values), not only its level bytes. */
export const LEVEL_BYTES = 2 * CHUNK;
/** Up to CHUNK / 16 floats each (sub-blocks of 16). */
export const SCALES = LEVELS + LEVEL_BYTES;
export const MINS = SCALES + CHUNK / 4;
export const PAGES = 1;

/** 1.5 * 2^23: a float v with |v| < 2^22 plus this is rounded to an integer r, whose low bits are the mantissa's. */
export const MAGIC = 12582912;

/** ggml's nearest_int on each lane: add 1.5 * 2^23 in float, keep the low mantissa bits. */
export function nearestInt(v: Code): Code {
  return i32x4.sub(v128.and(f32x4.add(v, f32x4.const(MAGIC)), i32x4.const(0x007fffff)), i32x4.const(0x00400000));
}

/**
 * MAX(lo, MIN(hi, nearest_int(v))) as a float, in 3 instructions instead of nearestInt's 3, a clamp's 2
 * and a conversion: the same value (or -0 for 0, which sums and products here treat alike) for any
 * |v| < 2^22, where ggml's trick rounds half to even as f32x4.nearest does; not for NaN.
 */
export function nearestClampedF(v: Code, lo: Code, hi: Code): Code {
  return f32x4.pmax(f32x4.pmin(f32x4.nearest(v), hi), lo);
}

/** MAX(lo, MIN(hi, v)) on integer lanes. */
export function clamp(v: Code, lo: number, hi: number): Code {
  return i32x4.maxS(i32x4.minS(v, i32x4.const(hi)), i32x4.const(lo));
}

/** Per lane `mask ? a : b`. */
export function choose(mask: Code, a: Code, b: Code): Code {
  return v128.bitselect(a, b, mask);
}

/** Named v128 locals of `f`. */
export function vectors<N extends string>(f: Func, names: readonly N[]): Record<N, Local> {
  return Object.fromEntries(names.map((n) => [n, f.local(V128)])) as Record<N, Local>;
}

/** The parameters every kernel takes, and the loop over groups of 4 sub-blocks. */
export interface Kernel {
  readonly f: Func;
  /** Byte addresses of the group's first value, first level byte, and 4 scales and 4 mins. */
  readonly x: Local;
  readonly levels: Local;
  readonly scales: Local;
  readonly mins: Local;
  /** Scratch byte offset 16 i inside per-value loops. */
  readonly o: Local;
  /** A byte address walked inside per-value loops. */
  readonly p: Local;
}

/**
 * Where a kernel leaves sub-block s's level bytes: at levels + s * stride + offset. Plain levels lie n
 * apart; a ggml block layout leaves each block's header bytes (written afterwards) between them.
 * 'nibbles' packs level j and level j + n/2 into byte j, low nibble first (Q4_0, Q4_1); 'fifthBits'
 * packs their low nibbles so and stores their fifth bits as the 32-bit qh just before (Q5_0, Q5_1).
 */
export interface LevelLayout {
  readonly stride: number;
  readonly offset: number;
  readonly pack: 'bytes' | 'nibbles' | 'fifthBits';
}

/** Plain levels, one byte per value, n per sub-block. */
function plainLevels(n: number): LevelLayout {
  return { stride: n, offset: 0, pack: 'bytes' };
}

/** Byte lanes of two narrowed groups: lanes 0 and 1 (A), or 2 and 3 (C), of 4 values each, as 8 bytes per lane. */
const LANES_01 = [0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29];
const LANES_23 = LANES_01.map((i) => i + 2);
/** The first and the second 8 bytes of two vectors side by side. */
const LOW_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const HIGH_HALVES = LOW_HALVES.map((i) => i + 8);

/**
 * Stores the group's levels (LT, value j of the 4 lanes at LT + 16 j) in `layout`: the low byte of
 * each level (C's store into a uint8_t), 16 bytes of a lane at a time by narrowing and shuffling the
 * 4 x 16 bytes across lanes, instead of one byte store per value and lane.
 */
function storeLevels(k: Kernel, n: number, layout: LevelLayout): Code {
  const bytes = layout.pack === 'bytes' ? n : n / 2;
  const [n0, n1, n2, n3, a, b, c, d] = [0, 1, 2, 3, 4, 5, 6, 7].map(() => k.f.local(V128)) as [Local, Local, Local, Local, Local, Local, Local, Local];
  const level = (j: number): Code => v128.load(i32.const(0), LT + 16 * j);
  const low = (j: number): Code => (layout.pack === 'fifthBits' ? v128.and(level(j), i32x4.const(0x0f)) : level(j));
  const byte = (j: number): Code => v128.and(layout.pack === 'bytes' ? level(j) : v128.or(low(j), i32x4.shl(level(j + bytes), i32.const(4))), i32x4.const(0xff));
  const narrow = (j: number): Code => i8x16.narrowI16x8U(i16x8.narrowI32x4U(byte(j), byte(j + 1)), i16x8.narrowI32x4U(byte(j + 2), byte(j + 3)));
  const runs: Code[] = [];
  for (let r = 0; r < bytes; r += 16) {
    const at = (lane: number): number => lane * layout.stride + layout.offset + r;
    runs.push(
      set(n0, narrow(r)), set(n1, narrow(r + 4)), set(n2, narrow(r + 8)), set(n3, narrow(r + 12)),
      set(a, i8x16.shuffle(get(n0), get(n1), LANES_01)), set(b, i8x16.shuffle(get(n2), get(n3), LANES_01)),
      set(c, i8x16.shuffle(get(n0), get(n1), LANES_23)), set(d, i8x16.shuffle(get(n2), get(n3), LANES_23)),
      v128.store(get(k.levels), i8x16.shuffle(get(a), get(b), LOW_HALVES), at(0)),
      v128.store(get(k.levels), i8x16.shuffle(get(a), get(b), HIGH_HALVES), at(1)),
      v128.store(get(k.levels), i8x16.shuffle(get(c), get(d), LOW_HALVES), at(2)),
      v128.store(get(k.levels), i8x16.shuffle(get(c), get(d), HIGH_HALVES), at(3)));
  }
  if (layout.pack === 'fifthBits') runs.push(storeFifthBits(k, n, layout));
  return seq(...runs);
}

/** qh = bit 4 of level j moved to bit j, for the n levels of each lane, stored as 32 bits before the nibbles. */
function storeFifthBits(k: Kernel, n: number, layout: LevelLayout): Code {
  const qh = k.f.local(V128);
  const bit = (j: number): Code => {
    const fifth = v128.and(v128.load(i32.const(0), LT + 16 * j), i32x4.const(0x10));
    return j >= 4 ? i32x4.shl(fifth, i32.const(j - 4)) : i32x4.shrU(fifth, i32.const(4 - j));
  };
  const code: Code[] = [set(qh, bit(0))];
  for (let j = 1; j < n; j++) code.push(set(qh, v128.or(get(qh), bit(j))));
  for (let lane = 0; lane < 4; lane++) code.push(v128.store32Lane(get(k.levels), get(qh), lane * layout.stride + layout.offset - 4, lane));
  return seq(...code);
}

/**
 * kernel(x, levels, scales, mins, groups) runs `body` on `groups` groups of 4 sub-blocks of n values
 * from byte address x: per sub-block its level bytes at `levels` in `layout`, one float at `scales`
 * and `mins`. `body` leaves the group's levels in LT; the scale and min it returns (if any) are stored.
 */
export function kernel(name: string, n: number, body: (k: Kernel) => { code: Code; scale?: Local; min?: Local; skipIf?: Code },
  layout: LevelLayout = plainLevels(n)): Func {
  const f = new Func(name, [I32, I32, I32, I32, I32]);
  const [x, levels, scales, mins, groups] = [0, 1, 2, 3, 4].map((i) => f.param(i)) as [Local, Local, Local, Local, Local];
  const g = f.local(I32);
  const k: Kernel = { f, x, levels, scales, mins, o: f.local(I32), p: f.local(I32) };
  const result = body(k);
  const work = seq(
    result.code,
    result.scale ? v128.store(get(scales), get(result.scale)) : [],
    result.min ? v128.store(get(mins), get(result.min)) : [],
    storeLevels(k, n, layout));
  f.body = forRange(g, i32.const(0), get(groups), 1,
    // A group for which `skipIf` holds is left as it is: its results would be what is there already.
    result.skipIf ? when(i32.eqz(result.skipIf), work) : work,
    set(x, i32.add(get(x), i32.const(16 * n))),
    set(levels, i32.add(get(levels), i32.const(4 * layout.stride))),
    set(scales, i32.add(get(scales), i32.const(16))),
    set(mins, i32.add(get(mins), i32.const(16))));
  return f;
}

/** The group's current level bytes into LT, as 32-bit lanes. */
export function loadLevels(k: Kernel, n: number): Code {
  const byte = (vec: Code, lane: number): Code => v128.load8Lane(get(k.p), vec, lane * n, 4 * lane);
  return seq(set(k.p, get(k.levels)), forValues(k, n, 1, v128.store(get(k.o), byte(byte(byte(byte(i32x4.const(0), 0), 1), 2), 3), LT)));
}

/** `for i in 0..n`: o = 16 i, and p advancing by `stride` bytes (if any) from wherever it was set. */
export function forValues(k: Kernel, n: number, stride: number, ...body: Code[]): Code {
  const step = stride ? set(k.p, i32.add(get(k.p), i32.const(stride))) : [];
  return forRange(k.o, i32.const(0), i32.const(16 * n), 16, ...body, step);
}

/** 32-bit lanes of two vectors a, b (b's are 4..7): a0 b0 a1 b1, a2 b2 a3 b3, then a0 a1 b0 b1, a2 a3 b2 b3. */
const lanes32 = (l: readonly number[]): number[] => l.flatMap((i) => [4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3]);
const INTERLEAVE_LOW = lanes32([0, 4, 1, 5]);
const INTERLEAVE_HIGH = lanes32([2, 6, 3, 7]);
const LOW_PAIRS = lanes32([0, 1, 4, 5]);
const HIGH_PAIRS = lanes32([2, 3, 6, 7]);

/**
 * For each value i: XT[i] = the 4 lanes' x values (value i of each of the 4 consecutive sub-blocks of
 * n floats at x), then `more` with o = 16 i (which can use `xi`). Four values of each sub-block are
 * read at once and transposed by shuffles, rather than gathered a float at a time.
 */
export function loadGroup(k: Kernel, n: number, xi: Local, ...more: Code[]): Code {
  const [v0, v1, v2, v3, lo01, lo23, hi01, hi23] = Array.from({ length: 8 }, () => k.f.local(V128)) as
    [Local, Local, Local, Local, Local, Local, Local, Local];
  const columns = [
    i8x16.shuffle(get(lo01), get(lo23), LOW_PAIRS), i8x16.shuffle(get(lo01), get(lo23), HIGH_PAIRS),
    i8x16.shuffle(get(hi01), get(hi23), LOW_PAIRS), i8x16.shuffle(get(hi01), get(hi23), HIGH_PAIRS),
  ];
  const turn = k.f.local(I32);
  return seq(
    set(k.p, get(k.x)),
    set(k.o, i32.const(0)),
    forRange(turn, i32.const(0), i32.const(n), 4,
      set(v0, v128.load(get(k.p))),
      set(v1, v128.load(get(k.p), 4 * n)),
      set(v2, v128.load(get(k.p), 8 * n)),
      set(v3, v128.load(get(k.p), 12 * n)),
      set(lo01, i8x16.shuffle(get(v0), get(v1), INTERLEAVE_LOW)),
      set(lo23, i8x16.shuffle(get(v2), get(v3), INTERLEAVE_LOW)),
      set(hi01, i8x16.shuffle(get(v0), get(v1), INTERLEAVE_HIGH)),
      set(hi23, i8x16.shuffle(get(v2), get(v3), INTERLEAVE_HIGH)),
      ...columns.map((column) => seq(
        set(xi, column),
        v128.store(get(k.o), get(xi), XT),
        ...more,
        set(k.o, i32.add(get(k.o), i32.const(16))))),
      set(k.p, i32.add(get(k.p), i32.const(16)))));
}
