/**
 * A minimal WebAssembly encoder for the ggml kernels: code is nested arrays of bytes in stack order,
 * flattened once per function, so `f32x4.add(get(a), get(b))` reads like the WAT
 * `(f32x4.add (local.get $a) (local.get $b))`. Only the instructions the kernels use are here.
 * // https://webassembly.github.io/spec/core/binary/
 */
export type Code = readonly (number | Code)[];

export const I32 = 0x7f;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof V128;

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
}

function f32Bytes(values: readonly number[]): number[] {
  return [...new Uint8Array(new Float32Array(values).buffer)];
}

/** Instructions one after another. */
export function seq(...parts: Code[]): Code {
  return parts;
}

const op = (...bytes: number[]) => (...args: Code[]): Code => [...args, bytes];
const simd = (code: number) => op(0xfd, ...uleb(code));
/** memarg: log2 alignment, then the constant offset. */
const mem = (code: number[], align: number) => (addr: Code, offset = 0): Code => [addr, code, align, uleb(offset)];
const store = (code: number[], align: number) => (addr: Code, value: Code, offset = 0): Code =>
  [addr, value, code, align, uleb(offset)];

export interface Local {
  readonly index: number;
}

export const get = (l: Local): Code => [0x20, ...uleb(l.index)];
export const set = (l: Local, value: Code): Code => [value, 0x21, uleb(l.index)];

export const i32 = {
  const: (v: number): Code => [0x41, ...sleb(v | 0)],
  eqz: op(0x45), ltS: op(0x48), add: op(0x6a), mul: op(0x6c),
};

export const f32 = {
  const: (v: number): Code => [0x43, ...f32Bytes([v])],
  neg: op(0x8c), add: op(0x92), mul: op(0x94),
  convertI32: op(0xb2),
};

export const v128 = {
  load: mem([0xfd, 0x00], 4),
  store: store([0xfd, 0x0b], 4),
  /** Replaces byte lane `lane` of `vec` with the byte at addr + offset. */
  load8Lane: (addr: Code, vec: Code, offset: number, lane: number): Code => [addr, vec, 0xfd, 0x54, 0, uleb(offset), lane],
  /** Stores lane `lane` of `vec` (32 bits) at addr + offset. */
  store32Lane: (addr: Code, vec: Code, offset: number, lane: number): Code => [addr, vec, 0xfd, 0x5a, 2, uleb(offset), lane],
  bytes: (b: readonly number[]): Code => [0xfd, 0x0c, ...b],
  and: simd(0x4e), andnot: simd(0x4f), or: simd(0x50),
  /** (a & mask) | (b & ~mask): per lane, `mask ? a : b` for comparison masks. */
  bitselect: simd(0x52),
  anyTrue: simd(0x53),
};

/** Byte lanes `lanes` of the 32 bytes a then b. */
const shuffle = (a: Code, b: Code, lanes: readonly number[]): Code => [a, b, 0xfd, 0x0d, ...lanes];

export const i8x16 = {
  shuffle,
  swizzle: simd(0x0e),
  /** The 16 lanes of a then b, each saturated to 0..255. */
  narrowI16x8U: simd(0x66),
};

export const i16x8 = {
  /** The 4 lanes of a then b, each saturated to 0..65535. */
  narrowI32x4U: simd(0x86),
  /** Bytes 0..7 (low) or 8..15 (high) widened to 16 bits, with sign or with zeros. */
  extendLowI8x16S: simd(0x87), extendHighI8x16S: simd(0x88),
  extendLowI8x16U: simd(0x89), extendHighI8x16U: simd(0x8a),
};

export const i32x4 = {
  const: (v: number): Code => [0xfd, 0x0c, ...new Uint8Array(new Int32Array([v, v, v, v]).buffer)],
  ne: simd(0x38),
  /** 1 if every lane is non-zero. */
  allTrue: simd(0xa3),
  shl: simd(0xab), shrS: simd(0xac), shrU: simd(0xad),
  add: simd(0xae), sub: simd(0xb1), minS: simd(0xb6), maxS: simd(0xb8),
  /** Toward zero, saturating; NaN gives 0. */
  truncSatF32x4S: simd(0xf8),
  /** 16-bit lanes 0..3 (low) or 4..7 (high) widened to 32 bits, with sign or with zeros. */
  extendLowI16x8S: simd(0xa7), extendHighI16x8S: simd(0xa8),
  extendLowI16x8U: simd(0xa9), extendHighI16x8U: simd(0xaa),
};

export const f32x4 = {
  splat: simd(0x13),
  const: (v: number): Code => [0xfd, 0x0c, ...f32Bytes([v, v, v, v])],
  eq: simd(0x41), ne: simd(0x42), lt: simd(0x43), gt: simd(0x44), ge: simd(0x46),
  trunc: simd(0x69),
  /** To the nearest integer, ties to even. */
  nearest: simd(0x6a),
  abs: simd(0xe0), neg: simd(0xe1), sqrt: simd(0xe3),
  add: simd(0xe4), sub: simd(0xe5), mul: simd(0xe6), div: simd(0xe7),
  /** `b < a ? b : a` and `a < b ? b : a`: one instruction each, unlike min and max (NaN and -0 rules). */
  pmin: simd(0xea), pmax: simd(0xeb),
  convertI32: simd(0xfa),
};

/** `if (cond) { body }`. */
export function when(cond: Code, ...body: Code[]): Code {
  return [cond, 0x04, 0x40, body, 0x0b];
}

/** `if (cond) { then } else { otherwise }`. */
export function ifElse(cond: Code, then: Code, otherwise: Code): Code {
  return [cond, 0x04, 0x40, then, 0x05, otherwise, 0x0b];
}

/** `for (i = from; i < to; i += step) { body }` with from < to known, so the test sits at the bottom. */
export function forRange(i: Local, from: Code, to: Code, step: number, ...body: Code[]): Code {
  return seq(set(i, from), [0x03, 0x40], ...body, set(i, i32.add(get(i), i32.const(step))), i32.ltS(get(i), to), [0x0d, 0x00, 0x0b]);
}

/** One function: numbered parameters, then locals as they are asked for. */
export class Func {
  private readonly locals: ValType[] = [];

  constructor(readonly name: string, readonly params: readonly ValType[], public body: Code = []) {}

  param(i: number): Local {
    return { index: i };
  }

  local(type: ValType): Local {
    this.locals.push(type);
    return { index: this.params.length + this.locals.length - 1 };
  }

  encode(): number[] {
    const decls = this.locals.flatMap((t) => [1, t]);
    const code = [...uleb(this.locals.length), ...decls];
    flatten(this.body, code);
    code.push(0x0b);
    return [...uleb(code.length), ...code];
  }
}

function flatten(c: Code, out: number[]): void {
  for (let i = 0; i < c.length; i++) {
    const x = c[i]!;
    if (typeof x === 'number') out.push(x);
    else flatten(x, out);
  }
}

function section(id: number, items: number[][]): number[] {
  const content = [...uleb(items.length), ...items.flat()];
  return [id, ...uleb(content.length), ...content];
}

function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

/** A module of void functions over one exported memory of `pages` 64 KiB pages. */
export function encodeModule(funcs: readonly Func[], pages: number): Uint8Array {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, funcs.map((f) => [0x60, ...uleb(f.params.length), ...f.params, 0])),
    ...section(3, funcs.map((_, i) => uleb(i))),
    ...section(5, [[0x01, ...uleb(pages), ...uleb(pages)]]),
    ...section(7, [[...name('memory'), 0x02, 0], ...funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])]),
    ...section(10, funcs.map((f) => f.encode())),
  ]);
}
