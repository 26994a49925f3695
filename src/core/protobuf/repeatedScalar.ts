import { WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, type Field, type ProtoWalker, type Span } from './walker';

/** How a repeated scalar field encodes one element. */
export type ScalarEncoding = 'fixed32' | 'fixed64' | 'varint';

const ENCODING_WIRE = { fixed32: WIRE_FIXED32, fixed64: WIRE_FIXED64, varint: WIRE_VARINT } as const;
/** Bytes per element of the fixed-width encodings. */
export const FIXED_WIDTH = { fixed32: 4, fixed64: 8 } as const;

/**
 * Unpacked elements cost one record each; ONNX packs tensor data, so this only bounds
 * attribute lists (value_floats, value_ints) and hostile files.
 */
export const MAX_FIELD_SPANS = 1 << 20;

/**
 * Where the elements of one repeated scalar field lie, without reading them: packed runs
 * (wire type 2) and single unpacked elements, in file order. Both encodings are legal for
 * any repeated scalar and parsers must accept them mixed (protobuf encoding guide, "Packed
 * Repeated Fields"). Concatenating the spans' bytes gives the elements' encodings in order.
 */
export class RepeatedScalar {
  /** Flat [offset0, length0, offset1, length1, ...]: compact for many unpacked elements. */
  private readonly flat: number[] = [];
  /** Total payload bytes over all spans. */
  byteLength = 0;

  constructor(
    readonly encoding: ScalarEncoding,
    readonly what: string,
  ) {}

  add(field: Field, walker: ProtoWalker): void {
    if (field.wireType === WIRE_LEN) {
      if (this.encoding !== 'varint' && field.length % FIXED_WIDTH[this.encoding] !== 0) {
        walker.fail(`${this.what}: packed run of ${field.length} bytes is not a whole number of ${FIXED_WIDTH[this.encoding]}-byte values`, field.offset);
      }
      if (field.length === 0) return;
    } else {
      walker.expectWire(field, ENCODING_WIRE[this.encoding], this.what);
    }
    if (this.flat.length / 2 >= MAX_FIELD_SPANS) {
      walker.fail(`${this.what}: more than ${MAX_FIELD_SPANS} separately encoded runs; refused`, field.tagOffset);
    }
    this.flat.push(field.offset, field.length);
    this.byteLength += field.length;
  }

  get spanCount(): number {
    return this.flat.length / 2;
  }

  get isEmpty(): boolean {
    return this.flat.length === 0;
  }

  spanOffset(i: number): number {
    return this.flat[2 * i]!;
  }

  spanLength(i: number): number {
    return this.flat[2 * i + 1]!;
  }

  /** The only span, when the elements are one contiguous run (the common, lazily readable case). */
  get single(): Span | undefined {
    return this.flat.length === 2 ? { offset: this.flat[0]!, length: this.flat[1]! } : undefined;
  }
}
