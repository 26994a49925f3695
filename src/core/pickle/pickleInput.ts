import { FormatError } from '../errors';
import { UTF8_STRICT } from '../io/cursor';

/** The pickle stopped before its STOP opcode: a caller reading a growing window may retry with more bytes. */
export class TruncatedPickleError extends FormatError {}

/** Bounds-checked reads of pickle arguments; running out of bytes is a TruncatedPickleError. */
export class PickleInput {
  private readonly view: DataView;
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly format: string,
    /** Absolute file offset of bytes[0]. */
    readonly baseOffset: number,
    start: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  get fileOffset(): number {
    return this.baseOffset + this.pos;
  }

  fail(message: string, at = this.fileOffset): never {
    throw new FormatError(this.format, message, at);
  }

  private need(n: number, what: string): void {
    if (n > this.bytes.length - this.pos) {
      throw new TruncatedPickleError(this.format, `pickle truncated: ${what} needs ${n} bytes at offset ${this.fileOffset}`, this.fileOffset);
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32(what: string): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A u64 length; anything beyond the buffer is truncation, so no precision is lost on huge values. */
  u64(what: string): number {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }

  /** pickle.py BINFLOAT: an 8-byte big-endian IEEE double. */
  f64BigEndian(what: string): number {
    this.need(8, what);
    const v = this.view.getFloat64(this.pos, false);
    this.pos += 8;
    return v;
  }

  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  utf8(n: number, what: string): string {
    const at = this.fileOffset;
    const raw = this.take(n, what);
    try {
      return UTF8_STRICT.decode(raw);
    } catch {
      this.fail(`${what} is not valid UTF-8`, at);
    }
  }

  /** Bytes up to the next newline (protocol-0 arguments), without the newline. */
  lineBytes(what: string): Uint8Array {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.need(this.bytes.length - this.pos + 1, `${what} line`);
    const line = this.take(end - this.pos + 1, what);
    return line.subarray(0, line.length - 1);
  }

  line(what: string): string {
    const at = this.fileOffset;
    const raw = this.lineBytes(what);
    try {
      return UTF8_STRICT.decode(raw);
    } catch {
      this.fail(`${what} is not valid UTF-8`, at);
    }
  }
}
