import { OP } from '../../../src/core/pickle/opcodes';
import { concatBytes } from '../fileSet';

/** One opcode and its argument bytes as they follow it in the stream. */
export interface PickleOp {
  readonly code: number;
  readonly arg: Uint8Array;
}

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
const KNOWN = new Set<number>(KNOWN_CODES);

function prefixLength(bytes: Uint8Array, at: number, width: number): number {
  let n = 0;
  for (let i = width - 1; i >= 0; i--) n = n * 256 + bytes[at + i]!;
  return n;
}

/** The pickle starting at `start`, up to and including its STOP; undefined when it does not parse. */
export function parsePickle(bytes: Uint8Array, start: number): { ops: PickleOp[]; end: number } | undefined {
  const ops: PickleOp[] = [];
  let at = start;
  while (at < bytes.length) {
    const code = bytes[at]!;
    if (!KNOWN.has(code)) return undefined;
    let end = at + 1;
    const fixed = FIXED.get(code);
    const counted = COUNTED.get(code);
    const lines = LINES.get(code);
    if (fixed !== undefined) end += fixed;
    else if (counted !== undefined) end += counted + prefixLength(bytes, end, counted);
    else if (lines !== undefined) {
      for (let l = 0; l < lines; l++) {
        const nl = bytes.indexOf(0x0a, end);
        if (nl < 0) return undefined;
        end = nl + 1;
      }
    }
    if (end > bytes.length) return undefined;
    ops.push({ code, arg: bytes.subarray(at + 1, end) });
    at = end;
    if (code === OP.STOP) return { ops, end: at };
  }
  return undefined;
}

export function writeOps(ops: readonly PickleOp[]): Uint8Array {
  return concatBytes(ops.flatMap((op) => [Uint8Array.of(op.code), op.arg]));
}

/** Builders for opcode sequences the mutators insert. */
export const op = (code: number, ...arg: number[]): PickleOp => ({ code, arg: Uint8Array.from(arg) });

export function le(value: number | bigint, width: number): number[] {
  let v = BigInt.asUintN(width * 8, BigInt(value));
  const out: number[] = [];
  for (let i = 0; i < width; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  return out;
}

export function unicode(text: string): PickleOp {
  const bytes = new TextEncoder().encode(text);
  return { code: OP.BINUNICODE, arg: concatBytes([Uint8Array.from(le(bytes.length, 4)), bytes]) };
}

export function global(module: string, name: string): PickleOp {
  return { code: OP.GLOBAL, arg: new TextEncoder().encode(`${module}\n${name}\n`) };
}

export const put = (index: number): PickleOp => op(OP.LONG_BINPUT, ...le(index, 4));
export const get = (index: number): PickleOp => op(OP.LONG_BINGET, ...le(index, 4));
