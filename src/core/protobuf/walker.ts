import { FormatError } from '../errors';
import { MAX_VARINT_BYTES, VARINT_OVERFLOW, VARINT_TRUNCATED, VarintDecoder, varintToSafeNumber } from './varint';
import type { WindowedSource } from './windowedSource';

// protobuf encoding guide, "Message Structure": wire types.
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
const WIRE_START_GROUP = 3;
const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

export type WireType = typeof WIRE_VARINT | typeof WIRE_FIXED64 | typeof WIRE_LEN | typeof WIRE_FIXED32;

/** protobuf's own default recursion limit (CodedInputStream::kDefaultRecursionLimit). */
export const MAX_MESSAGE_DEPTH = 100;
/** Largest field number protobuf allows (2^29 - 1). */
const MAX_FIELD_NUMBER = 0x1fffffff;

/** A byte range of the file. */
export interface Span {
  readonly offset: number;
  readonly length: number;
}

/** One field as found on the wire; its value is located, not read (except a varint's). */
export interface Field {
  readonly number: number;
  readonly wireType: WireType;
  /** Absolute offset of the tag, for error messages. */
  readonly tagOffset: number;
  /** Absolute offset of the value: the varint, the fixed bytes, or the payload after the length. */
  readonly offset: number;
  /** Bytes of the value at `offset`: the payload length for WIRE_LEN. */
  readonly length: number;
  /** WIRE_VARINT only: bits 0..31 and 32..63 of the value. */
  readonly lo: number;
  readonly hi: number;
}

export type FieldVisitor = (field: Field) => void | Promise<void>;

/** Bytes enough for a tag and a length varint: loaded before each field is decoded. */
const FIELD_HEADER_BYTES = 2 * MAX_VARINT_BYTES;
/** Longest field payload `walk` loads for its visitor (names, packed dims, metadata values). */
export const MAX_LOADED_PAYLOAD_BYTES = 1024 * 1024;

/**
 * Walks protobuf messages over a WindowedSource: tags and lengths are decoded from the
 * window, length-delimited payloads are only located, so a visitor that ignores a field
 * (raw_data) costs no read of it. Every length is checked against the enclosing message.
 * Visitors run synchronously unless they return a promise (to descend into a submessage):
 * the few payloads they read (`text`, `packedVarints`) are loaded beforehand, when the
 * caller lists those field numbers in `loaded`.
 */
export class ProtoWalker {
  private depth = 0;
  private readonly varint = new VarintDecoder();

  constructor(readonly src: WindowedSource) {}

  get format(): string {
    return this.src.format;
  }

  fail(message: string, offset: number): never {
    throw new FormatError(this.format, message, offset);
  }

  /** The whole file as the top-level message. */
  get file(): Span {
    return { offset: 0, length: this.src.size };
  }

  /** Visits every field of the message in `span`, in file order; payloads of `loaded` fields are in memory for the visitor. */
  async walk(span: Span, visit: FieldVisitor, loaded?: ReadonlySet<number>): Promise<void> {
    if (this.depth >= MAX_MESSAGE_DEPTH) {
      this.fail(`messages nested deeper than ${MAX_MESSAGE_DEPTH} levels`, span.offset);
    }
    this.depth++;
    try {
      const end = span.offset + span.length;
      let pos = span.offset;
      while (pos < end) {
        const header = Math.min(FIELD_HEADER_BYTES, end - pos);
        if (!this.src.covers(pos, header)) await this.src.load(pos, header);
        const field = this.readField(pos, end);
        pos = field.offset + field.length;
        if (loaded?.has(field.number) && field.wireType === WIRE_LEN && field.length <= MAX_LOADED_PAYLOAD_BYTES && !this.src.covers(field.offset, field.length)) {
          await this.src.load(field.offset, field.length);
        }
        const pending = visit(field);
        if (pending) await pending;
      }
    } finally {
      this.depth--;
    }
  }

  /** Decodes the field at `tagOffset`; its header bytes are in the window. */
  private readField(tagOffset: number, end: number): Field {
    let pos = this.readVarint(tagOffset, end, 'field tag');
    const { lo: tag, hi: tagHi } = this.varint;
    const number = Math.floor(tag / 8);
    if (tagHi !== 0 || number === 0 || number > MAX_FIELD_NUMBER) {
      this.fail(`invalid field tag (field number ${tagHi !== 0 ? 'beyond 32 bits' : number})`, tagOffset);
    }
    const wireType = tag & 7;
    switch (wireType) {
      case WIRE_VARINT: {
        const next = this.readVarint(pos, end, `field ${number} varint`);
        return { number, wireType, tagOffset, offset: pos, length: next - pos, lo: this.varint.lo, hi: this.varint.hi };
      }
      case WIRE_FIXED64:
      case WIRE_FIXED32: {
        const length = wireType === WIRE_FIXED64 ? 8 : 4;
        this.checkInside(number, pos, length, end);
        return { number, wireType, tagOffset, offset: pos, length, lo: 0, hi: 0 };
      }
      case WIRE_LEN: {
        const lengthAt = pos;
        pos = this.readVarint(pos, end, `field ${number} length`);
        const length = varintToSafeNumber(this.varint.lo, this.varint.hi);
        if (length === undefined) this.fail(`field ${number} has an impossible length`, lengthAt);
        this.checkInside(number, pos, length, end);
        return { number, wireType, tagOffset, offset: pos, length, lo: 0, hi: 0 };
      }
      case WIRE_START_GROUP:
      case WIRE_END_GROUP:
        return this.fail(`field ${number} uses a group (wire type ${wireType}), which ONNX never writes; refused`, tagOffset);
      default:
        return this.fail(`field ${number} has invalid wire type ${wireType}`, tagOffset);
    }
  }

  private checkInside(number: number, pos: number, length: number, end: number): void {
    if (pos + length > end) {
      this.fail(`field ${number} needs bytes ${pos}..${pos + length} but its message ends at ${end} (truncated or corrupt)`, pos);
    }
  }

  /** Decodes a varint at `pos` (in the window) into this.varint; returns the position after it. */
  private readVarint(pos: number, end: number, what: string): number {
    const { buffer, start } = this.src;
    const at = pos - start;
    const next = this.varint.decode(buffer, at, Math.min(buffer.length, end - start));
    if (next === VARINT_TRUNCATED) this.fail(`${what}: varint runs past the end of its message at ${end}`, pos);
    if (next === VARINT_OVERFLOW) this.fail(`${what}: varint longer than 64 bits`, pos);
    return start + next;
  }

  /** The payload of a `loaded` WIRE_LEN field, refused above `maxBytes`. */
  private payload(field: Field, what: string, maxBytes: number): Uint8Array {
    this.expectWire(field, WIRE_LEN, what);
    if (field.length > maxBytes) this.fail(`${what} is ${field.length} bytes, over the ${maxBytes}-byte limit`, field.offset);
    // A parser bug, not a bad file: the field was not listed as loaded.
    if (!this.src.covers(field.offset, field.length)) throw new Error(`${what}: payload not loaded`);
    const at = field.offset - this.src.start;
    return this.src.buffer.subarray(at, at + field.length);
  }

  /** The UTF-8 text of a loaded field, refused above `maxBytes` or when not valid UTF-8. */
  text(field: Field, what: string, maxBytes: number): string {
    const bytes = this.payload(field, what, maxBytes);
    try {
      return UTF8.decode(bytes);
    } catch {
      return this.fail(`${what} is not valid UTF-8`, field.offset);
    }
  }

  /** Refuses a known field written with the wrong wire type. */
  expectWire(field: Field, wireType: WireType, what: string): void {
    if (field.wireType !== wireType) {
      this.fail(`${what} (field ${field.number}) has wire type ${field.wireType}, expected ${wireType}`, field.tagOffset);
    }
  }

  /** An int32 field (enums, data_type): protobuf keeps the low 32 bits, signed. */
  int32(field: Field, what: string): number {
    this.expectWire(field, WIRE_VARINT, what);
    return field.lo | 0;
  }

  /** An int64 field that must be a count, size or dimension: 0..2^53. */
  count(field: Field, what: string): number {
    this.expectWire(field, WIRE_VARINT, what);
    const value = varintToSafeNumber(field.lo, field.hi);
    if (value === undefined) {
      this.fail(`${what} ${field.hi >= 0x80000000 ? 'is negative' : 'exceeds 2^53'}`, field.offset);
    }
    return value;
  }

  /** The elements of a loaded packed varint run (dims) as WIRE_VARINT fields; at most `maxCount`. */
  packedVarints(packed: Field, what: string, maxCount: number): Field[] {
    const bytes = this.payload(packed, what, maxCount * MAX_VARINT_BYTES);
    const out: Field[] = [];
    for (let i = 0; i < bytes.length; ) {
      const next = this.varint.decode(bytes, i, bytes.length);
      if (next < 0) this.fail(`${what}: bad varint in packed run`, packed.offset + i);
      if (out.length === maxCount) this.fail(`${what}: more than ${maxCount} values`, packed.offset + i);
      out.push({ number: packed.number, wireType: WIRE_VARINT, tagOffset: packed.tagOffset, offset: packed.offset + i, length: next - i, lo: this.varint.lo, hi: this.varint.hi });
      i = next;
    }
    return out;
  }

  /** A WIRE_LEN field as the span of its payload (a submessage, bytes or a packed run). */
  span(field: Field, what: string): Span {
    this.expectWire(field, WIRE_LEN, what);
    return { offset: field.offset, length: field.length };
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
