import { OP } from '../../../src/core/pickle/opcodes';

/** Width of the fixed argument of each opcode that has one. // Lib/pickletools.py */
const FIXED: ReadonlyMap<number, number> = new Map([
  [OP.PROTO, 1], [OP.FRAME, 8], [OP.BININT, 4], [OP.BININT1, 1], [OP.BININT2, 2], [OP.BINFLOAT, 8],
  [OP.BINGET, 1], [OP.LONG_BINGET, 4], [OP.BINPUT, 1], [OP.LONG_BINPUT, 4], [OP.EXT1, 1], [OP.EXT2, 2], [OP.EXT4, 4],
]);

/** Width of the length prefix of each opcode followed by counted bytes. */
export const COUNTED: ReadonlyMap<number, number> = new Map([
  [OP.LONG1, 1], [OP.LONG4, 4], [OP.BINSTRING, 4], [OP.SHORT_BINSTRING, 1], [OP.BINUNICODE, 4], [OP.SHORT_BINUNICODE, 1],
  [OP.BINUNICODE8, 8], [OP.BINBYTES, 4], [OP.SHORT_BINBYTES, 1], [OP.BINBYTES8, 8], [OP.BYTEARRAY8, 8],
]);

/** Newline-terminated text arguments (protocol 0). */
const LINES: ReadonlyMap<number, number> = new Map([
  [OP.INT, 1], [OP.LONG, 1], [OP.FLOAT, 1], [OP.STRING, 1], [OP.UNICODE, 1], [OP.GET, 1], [OP.PUT, 1], [OP.PERSID, 1],
  [OP.GLOBAL, 2], [OP.INST, 2],
]);

export const KNOWN_CODES: readonly number[] = Object.values(OP);

/** How each opcode byte's argument is laid out, as flat tables: scanPickle looks at every opcode of amplified pickles. */
const UNKNOWN = 0;
const FIXED_ARG = 1;
const COUNTED_ARG = 2;
const LINES_ARG = 3;
const NO_ARG = 4;
const ARG_KIND = new Uint8Array(256);
const ARG_WIDTH = new Uint8Array(256);
for (const code of KNOWN_CODES) ARG_KIND[code] = NO_ARG;
for (const [table, kind] of [[FIXED, FIXED_ARG], [COUNTED, COUNTED_ARG], [LINES, LINES_ARG]] as const) {
  for (const [code, width] of table) {
    ARG_KIND[code] = kind;
    ARG_WIDTH[code] = width;
  }
}

/**
 * One pickle as its bytes and where each opcode starts (offsets into `bytes`, ascending; the
 * opcode i spans starts[i] up to starts[i + 1] or the end). Edits slice bytes, never build
 * objects per opcode: amplified pickles hold hundreds of thousands of them.
 */
export interface Pickle {
  readonly bytes: Uint8Array;
  readonly starts: readonly number[];
}

export function opEnd(pk: Pickle, i: number): number {
  return pk.starts[i + 1] ?? pk.bytes.length;
}

function prefixLength(bytes: Uint8Array, at: number, width: number): number {
  let n = 0;
  for (let i = width - 1; i >= 0; i--) n = n * 256 + bytes[at + i]!;
  return n;
}

/** The pickle starting at `start`, up to and including its STOP; undefined when it does not parse. */
export function scanPickle(bytes: Uint8Array, start: number): { pickle: Pickle; end: number } | undefined {
  const starts: number[] = [];
  let at = start;
  while (at < bytes.length) {
    const code = bytes[at]!;
    const kind = ARG_KIND[code]!;
    const width = ARG_WIDTH[code]!;
    if (kind === UNKNOWN) return undefined;
    let end = at + 1;
    if (kind === FIXED_ARG) end += width;
    else if (kind === COUNTED_ARG) end += width + prefixLength(bytes, end, width);
    else if (kind === LINES_ARG) {
      for (let l = 0; l < width; l++) {
        const nl = bytes.indexOf(0x0a, end);
        if (nl < 0) return undefined;
        end = nl + 1;
      }
    }
    if (end > bytes.length) return undefined;
    starts.push(at - start);
    at = end;
    if (code === OP.STOP) return { pickle: { bytes: bytes.subarray(start, at), starts }, end: at };
  }
  return undefined;
}

export function le(value: number | bigint, width: number): number[] {
  let v = BigInt.asUintN(width * 8, BigInt(value));
  const out: number[] = [];
  for (let i = 0; i < width; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  return out;
}

/** Builds opcode streams in one growing buffer. */
export class Program {
  private buf = new Uint8Array(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    bigger.set(this.buf.subarray(0, this.length));
    this.buf = bigger;
  }

  bytes(b: ArrayLike<number>): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  op(code: number, ...arg: number[]): this {
    return this.bytes([code, ...arg]);
  }

  /** `b` written `n` times, as long as the program stays under `maxBytes`; copied in doubling runs, not one call per copy (amplifiers repeat 130,000 times). */
  repeat(b: ArrayLike<number>, n: number, maxBytes: number): this {
    const times = Math.min(n, Math.floor(Math.max(0, maxBytes - this.length) / Math.max(1, b.length)));
    if (times === 0 || b.length === 0) return this;
    const start = this.length;
    const total = times * b.length;
    this.room(total);
    this.buf.set(b, start);
    for (let done = b.length; done < total; done *= 2) this.buf.copyWithin(start + done, start, start + Math.min(done, total - done));
    this.length += total;
    return this;
  }

  unicode(text: string): this {
    const b = new TextEncoder().encode(text);
    return this.op(OP.BINUNICODE, ...le(b.length, 4)).bytes(b);
  }

  global(module: string, name: string): this {
    return this.op(OP.GLOBAL).bytes(new TextEncoder().encode(`${module}\n${name}\n`));
  }

  put(index: number): this {
    return this.op(OP.LONG_BINPUT, ...le(index, 4));
  }

  get(index: number): this {
    return this.op(OP.LONG_BINGET, ...le(index, 4));
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export const getBytes = (index: number): number[] => [OP.LONG_BINGET, ...le(index, 4)];
