import { FormatError } from '../errors';

/** Largest integer a JS number holds exactly; 64-bit fields beyond it are refused. */
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A bounds-checked little/big-endian reader over bytes already in memory.
 * Every read past the end is a FormatError naming the absolute file offset.
 */
export class Cursor {
  private readonly view: DataView;
  pos = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly format: string,
    /** Absolute file offset of bytes[0], for error messages. */
    readonly baseOffset = 0,
    readonly littleEndian = true,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  get fileOffset(): number {
    return this.baseOffset + this.pos;
  }

  fail(message: string, at = this.fileOffset): never {
    throw new FormatError(this.format, message, at);
  }

  need(n: number, what: string): void {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.remaining) {
      this.fail(`truncated: ${what} needs ${n} bytes at offset ${this.fileOffset}, ${this.remaining} left`);
    }
  }

  u8(what = 'u8'): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }
  u16(what = 'u16'): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, this.littleEndian);
    this.pos += 2;
    return v;
  }
  u32(what = 'u32'): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }
  i32(what = 'i32'): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }
  /** Unsigned 64-bit as an exact bigint. */
  u64big(what = 'u64'): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, this.littleEndian);
    this.pos += 8;
    return v;
  }
  i64big(what = 'i64'): bigint {
    this.need(8, what);
    const v = this.view.getBigInt64(this.pos, this.littleEndian);
    this.pos += 8;
    return v;
  }
  /** Unsigned 64-bit that must fit a JS number (sizes, offsets, counts). */
  u64(what = 'u64'): number {
    const at = this.fileOffset;
    const v = this.u64big(what);
    if (v > MAX_SAFE) this.fail(`${what} ${v} exceeds 2^53`, at);
    return Number(v);
  }
  i64(what = 'i64'): number {
    const at = this.fileOffset;
    const v = this.i64big(what);
    if (v > MAX_SAFE || v < -MAX_SAFE) this.fail(`${what} ${v} exceeds 2^53`, at);
    return Number(v);
  }
  f32(what = 'f32'): number {
    this.need(4, what);
    const v = this.view.getFloat32(this.pos, this.littleEndian);
    this.pos += 4;
    return v;
  }
  f64(what = 'f64'): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos, this.littleEndian);
    this.pos += 8;
    return v;
  }
  bytesOf(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** UTF-8 text; invalid sequences are a FormatError, not replacement characters. */
  utf8(n: number, what = 'string'): string {
    const at = this.fileOffset;
    const raw = this.bytesOf(n, what);
    try {
      return UTF8_STRICT.decode(raw);
    } catch {
      this.fail(`${what} is not valid UTF-8`, at);
    }
  }
  skip(n: number, what = 'skip'): void {
    this.need(n, what);
    this.pos += n;
  }
}

export const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true });
