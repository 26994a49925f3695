import type { Cursor } from '../../io/cursor';

/** Metadata value types. // docs/gguf.md: enum gguf_metadata_value_type */
export const GGUF_VALUE_TYPES = [
  'UINT8', 'INT8', 'UINT16', 'INT16', 'UINT32', 'INT32', 'FLOAT32', 'BOOL', 'STRING', 'ARRAY', 'UINT64', 'INT64', 'FLOAT64',
] as const;
export type GgufValueType = (typeof GGUF_VALUE_TYPES)[number];

/** Smallest encoding of one value of each type, to refuse counts the rest of the file cannot hold. */
const MIN_VALUE_BYTES: Readonly<Record<GgufValueType, number>> = {
  UINT8: 1, INT8: 1, UINT16: 2, INT16: 2, UINT32: 4, INT32: 4, FLOAT32: 4, BOOL: 1,
  STRING: 8, ARRAY: 12, UINT64: 8, INT64: 8, FLOAT64: 8,
};

/** Array items kept in `metadata`: a 150k-token vocabulary must not make the metadata 10 MB. */
export const METADATA_ARRAY_ITEMS_KEPT = 64;
/** Longest string value: chat templates run to tens of kB; more than this is not metadata. */
export const MAX_STRING_VALUE_BYTES = 16 * 1024 * 1024;
/** Arrays of arrays nest at most this deep (GGUF allows nesting; real files use none). */
export const MAX_ARRAY_DEPTH = 8;

/** An array longer than METADATA_ARRAY_ITEMS_KEPT: its length, item type and first items. */
export interface TruncatedArray {
  readonly itemType: GgufValueType;
  readonly length: number;
  readonly first: readonly MetadataValue[];
}

/** 64-bit integers beyond 2^53 are decimal strings; arrays are plain when short, TruncatedArray when long. */
export type MetadataValue = number | string | boolean | readonly MetadataValue[] | TruncatedArray;

const TEXT = new TextDecoder('utf-8');
/** Integers up to 2^53 in magnitude are exact doubles; beyond, CLI.md wants decimal strings. */
const MAX_EXACT = 2n ** 53n;

/** Reads metadata values; `fileRemaining` is how many bytes the file holds past the cursor. */
export class MetadataReader {
  constructor(
    private readonly c: Cursor,
    private readonly fileRemaining: () => number,
  ) {}

  valueType(what: string): GgufValueType {
    const at = this.c.fileOffset;
    const id = this.c.u32(what);
    const type = GGUF_VALUE_TYPES[id];
    if (type === undefined) this.c.fail(`${what}: unknown metadata value type ${id}`, at);
    return type;
  }

  /** A GGUF string: u64 length then bytes. Values decode leniently (vocabularies hold raw bytes). */
  string(what: string, maxBytes: number, strict: boolean): string {
    const at = this.c.fileOffset;
    const n = this.c.u64(`${what} length`);
    if (n > maxBytes) this.c.fail(`${what} is ${n} bytes, over the limit of ${maxBytes}`, at);
    if (n > this.fileRemaining()) this.c.fail(`${what} length ${n} runs past the end of the file`, at);
    if (strict) return this.c.utf8(n, what);
    return TEXT.decode(this.c.bytesOf(n, what));
  }

  value(type: GgufValueType, what: string, depth = 0): MetadataValue {
    const c = this.c;
    switch (type) {
      case 'UINT8': return c.u8(what);
      case 'INT8': return (c.u8(what) << 24) >> 24;
      case 'UINT16': return c.u16(what);
      case 'INT16': return (c.u16(what) << 16) >> 16;
      case 'UINT32': return c.u32(what);
      case 'INT32': return c.i32(what);
      case 'FLOAT32': return c.f32(what);
      case 'FLOAT64': return c.f64(what);
      case 'UINT64': return safeOrString(c.u64big(what));
      case 'INT64': return safeOrString(c.i64big(what));
      case 'BOOL': {
        const at = c.fileOffset;
        const b = c.u8(what);
        if (b > 1) c.fail(`${what}: bool byte ${b} is neither 0 nor 1`, at);
        return b === 1;
      }
      case 'STRING': return this.string(what, MAX_STRING_VALUE_BYTES, false);
      case 'ARRAY': return this.array(what, depth);
    }
  }

  private array(what: string, depth: number): MetadataValue {
    const c = this.c;
    const at = c.fileOffset;
    if (depth >= MAX_ARRAY_DEPTH) c.fail(`${what}: arrays nested deeper than ${MAX_ARRAY_DEPTH}`, at);
    const itemType = this.valueType(`${what} item type`);
    const length = c.u64(`${what} length`);
    if (length * MIN_VALUE_BYTES[itemType] > this.fileRemaining()) {
      c.fail(`${what}: ${length} items of ${itemType} cannot fit in the rest of the file`, at);
    }
    const first: MetadataValue[] = [];
    for (let i = 0; i < length; i++) {
      const item = `${what}[${i}]`;
      if (i < METADATA_ARRAY_ITEMS_KEPT) first.push(this.value(itemType, item, depth + 1));
      else this.skip(itemType, item, depth + 1);
    }
    return length <= METADATA_ARRAY_ITEMS_KEPT ? first : { itemType, length, first };
  }

  /** Steps over a value without building it (the tail of long arrays). */
  private skip(type: GgufValueType, what: string, depth: number): void {
    if (type === 'STRING') {
      const at = this.c.fileOffset;
      const n = this.c.u64(`${what} length`);
      if (n > MAX_STRING_VALUE_BYTES) this.c.fail(`${what} is ${n} bytes, over the limit of ${MAX_STRING_VALUE_BYTES}`, at);
      this.c.skip(n, what);
    } else if (type === 'ARRAY' || type === 'BOOL') {
      this.value(type, what, depth);
    } else {
      this.c.skip(MIN_VALUE_BYTES[type], what);
    }
  }
}

function safeOrString(v: bigint): number | string {
  return v > MAX_EXACT || v < -MAX_EXACT ? v.toString() : Number(v);
}
