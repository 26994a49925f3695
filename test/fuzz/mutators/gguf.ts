import { concatBytes, withFile, type FileSet } from '../fileSet';
import { INTERESTING_INTS, INTERESTING_STRINGS, pickCount } from './interesting';
import { pick, type MutationParams, type Mutator } from './mutator';

/** GGUF layout (docs/gguf.md), parsed leniently so mutations keep the rest of the file consistent. */
const MAGIC = [0x47, 0x47, 0x55, 0x46];
const TYPE_STRING = 8;
const TYPE_ARRAY = 9;
const TYPE_UINT32 = 4;
/** Fixed widths of scalar value types, by type id (STRING and ARRAY are variable). */
const WIDTHS: Readonly<Record<number, number>> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const DEFAULT_ALIGNMENT = 32;
/** Entries parsed at most: seeds are small, a mutated count beyond this is written back as is. */
const MAX_PARSED_ENTRIES = 4096;
const VERSIONS = [0, 1, 2, 3, 4, 0x02000000, 0x03000000, 0xffffffff];
const TENSOR_TYPES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 34, 35, 36, 39, 40, 41, 255, 0x80000000];
const DIMS: readonly (readonly bigint[])[] = [
  [], [0n], [1n], [32n], [256n], [33n], [32n, 0n], [1n, 1n, 1n, 1n, 1n], [1n << 32n], [1n << 53n], [0xffffffffffffffffn],
  [256n, 1n << 40n], [1n << 31n, 1n << 31n], [7n, 3n],
];
const ALIGNMENTS = [0, 1, 2, 3, 16, 32, 64, 4096, 0x80000000, 0xffffffff];

interface Kv {
  key: Uint8Array;
  type: number;
  /** The encoded value, as it follows the type. */
  value: Uint8Array;
}

interface TensorInfo {
  name: Uint8Array;
  dims: bigint[];
  type: number;
  offset: bigint;
}

interface Gguf {
  version: number;
  kvs: Kv[];
  tensors: TensorInfo[];
  /** Counts written instead of the real ones. */
  tensorCount?: bigint;
  kvCount?: bigint;
  data: Uint8Array;
}

class Reader {
  pos = 0;
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number): void {
    if (n > this.bytes.length - this.pos) throw new RangeError('short');
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  take(n: bigint | number): Uint8Array {
    const k = Number(n);
    this.need(k);
    const out = this.bytes.subarray(this.pos, this.pos + k);
    this.pos += k;
    return out;
  }
  string(): Uint8Array {
    return this.take(this.u64());
  }
  /** Steps over one value of `type`. */
  skipValue(type: number, depth = 0): void {
    if (type === TYPE_STRING) this.string();
    else if (type === TYPE_ARRAY) {
      if (depth > 8) throw new RangeError('deep');
      const item = this.u32();
      const n = this.u64();
      if (n > BigInt(this.bytes.length)) throw new RangeError('long');
      for (let i = 0n; i < n; i++) this.skipValue(item, depth + 1);
    } else {
      const w = WIDTHS[type];
      if (w === undefined) throw new RangeError('type');
      this.take(w);
    }
  }
}

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

function u64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return b;
}

function str(bytes: Uint8Array): Uint8Array {
  return concatBytes([u64(BigInt(bytes.length)), bytes]);
}

const text = (s: string) => new TextEncoder().encode(s);

function alignmentOf(kvs: readonly Kv[]): number {
  const kv = kvs.find((k) => new TextDecoder().decode(k.key) === 'general.alignment' && k.type === TYPE_UINT32 && k.value.length === 4);
  const a = kv ? new DataView(kv.value.buffer, kv.value.byteOffset, 4).getUint32(0, true) : DEFAULT_ALIGNMENT;
  return a > 0 && (a & (a - 1)) === 0 && a <= 1 << 16 ? a : DEFAULT_ALIGNMENT;
}

export function parseGguf(bytes: Uint8Array): Gguf | undefined {
  try {
    const r = new Reader(bytes);
    if (!MAGIC.every((b, i) => bytes[i] === b)) return undefined;
    r.take(4);
    const version = r.u32();
    const nTensors = r.u64();
    const nKv = r.u64();
    if (nTensors > BigInt(MAX_PARSED_ENTRIES) || nKv > BigInt(MAX_PARSED_ENTRIES)) return undefined;
    const kvs: Kv[] = [];
    for (let i = 0; i < Number(nKv); i++) {
      const key = r.string();
      const type = r.u32();
      const start = r.pos;
      r.skipValue(type);
      kvs.push({ key, type, value: bytes.subarray(start, r.pos) });
    }
    const tensors: TensorInfo[] = [];
    for (let i = 0; i < Number(nTensors); i++) {
      const name = r.string();
      const nDims = r.u32();
      if (nDims > 16) return undefined;
      const dims: bigint[] = [];
      for (let d = 0; d < nDims; d++) dims.push(r.u64());
      tensors.push({ name, dims, type: r.u32(), offset: r.u64() });
    }
    const alignment = alignmentOf(kvs);
    const dataStart = r.pos + ((alignment - (r.pos % alignment)) % alignment);
    return { version, kvs, tensors, data: bytes.subarray(Math.min(dataStart, bytes.length)) };
  } catch {
    return undefined;
  }
}

/** Writes a file into one buffer sized up front: every mutation rewrites the whole file, thousands of entries included. */
class Writer {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private at = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u32(v: number): void {
    this.view.setUint32(this.at, v >>> 0, true);
    this.at += 4;
  }
  u64(v: bigint): void {
    this.view.setBigUint64(this.at, BigInt.asUintN(64, v), true);
    this.at += 8;
  }
  raw(b: Uint8Array): void {
    this.bytes.set(b, this.at);
    this.at += b.length;
  }
  str(b: Uint8Array): void {
    this.u64(BigInt(b.length));
    this.raw(b);
  }
}

export function writeGguf(g: Gguf): Uint8Array {
  let header = MAGIC.length + 4 + 8 + 8;
  for (const kv of g.kvs) header += 8 + kv.key.length + 4 + kv.value.length;
  for (const t of g.tensors) header += 8 + t.name.length + 4 + 8 * t.dims.length + 4 + 8;
  const alignment = alignmentOf(g.kvs);
  const w = new Writer(header + ((alignment - (header % alignment)) % alignment) + g.data.length);
  w.raw(Uint8Array.from(MAGIC));
  w.u32(g.version);
  w.u64(g.tensorCount ?? BigInt(g.tensors.length));
  w.u64(g.kvCount ?? BigInt(g.kvs.length));
  for (const kv of g.kvs) {
    w.str(kv.key);
    w.u32(kv.type);
    w.raw(kv.value);
  }
  for (const t of g.tensors) {
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(t.type);
    w.u64(t.offset);
  }
  w.bytes.set(g.data, w.bytes.length - g.data.length);
  return w.bytes;
}

/** A GGUF mutation: edits the parsed file in place; false when it does not apply. */
type GgufEdit = (g: Gguf, p: MutationParams) => boolean;

function ggufMutator(name: string, edit: GgufEdit): Mutator {
  return {
    name,
    apply(files: FileSet, p) {
      const index = files.findIndex((f) => f.name.endsWith('.gguf'));
      if (index < 0) return undefined;
      const g = parseGguf(files[index]!.bytes);
      if (!g || !edit(g, p)) return undefined;
      return withFile(files, index, writeGguf(g));
    },
  };
}

/** A crafted (type, value): strings of edge lengths, arrays of every item type and edge counts, nested arrays. */
function craftedValue(p: MutationParams): { type: number; value: Uint8Array } {
  const count = pickCount(p.d);
  const item = p.b % 13;
  switch (p.a % 5) {
    case 0: return { type: TYPE_STRING, value: str(text(pick(INTERESTING_STRINGS, p.b))) };
    case 1: {
      const width = WIDTHS[item] ?? 8;
      const items = item === TYPE_STRING ? concatBytes(Array(count).fill(str(text('x')))) : new Uint8Array(item === TYPE_ARRAY ? 0 : count * width);
      return { type: TYPE_ARRAY, value: concatBytes([u32(item), u64(BigInt(item === TYPE_ARRAY ? 0 : count)), items]) };
    }
    case 2: {
      // An array claiming many more items than it holds: the reader must refuse it from the count alone.
      return { type: TYPE_ARRAY, value: concatBytes([u32(item), u64(pick(INTERESTING_INTS, p.b)), new Uint8Array(16)]) };
    }
    case 3: {
      // Arrays of one array each, `depth` deep, around an empty array: written at once, not wrapped level by level (quadratic).
      const depth = pick([1, 7, 8, 9, 100, 10_000], p.b);
      const level = concatBytes([u32(TYPE_ARRAY), u64(1n)]);
      return { type: TYPE_ARRAY, value: concatBytes([...Array<Uint8Array>(depth).fill(level), u32(0), u64(0n)]) };
    }
    default: return { type: item, value: u64(pick(INTERESTING_INTS, p.b)).subarray(0, WIDTHS[item] ?? 8) };
  }
}

export const GGUF_MUTATORS: readonly Mutator[] = [
  ggufMutator('gguf-count', (g, p) => {
    const v = BigInt.asUintN(64, pick(INTERESTING_INTS, p.b));
    if (p.d % 2 === 0) g.tensorCount = v;
    else g.kvCount = v;
    return true;
  }),
  ggufMutator('gguf-version', (g, p) => {
    g.version = pick(VERSIONS, p.b);
    return true;
  }),
  ggufMutator('gguf-kv-type', (g, p) => {
    if (g.kvs.length === 0) return false;
    pick(g.kvs, p.a).type = pick([...Array(14).keys(), 255, 0xffffffff], p.b);
    return true;
  }),
  ggufMutator('gguf-length', (g, p) => {
    const sized = g.kvs.filter((k) => k.type === TYPE_STRING || k.type === TYPE_ARRAY);
    if (sized.length === 0) return false;
    const kv = pick(sized, p.a);
    const value = kv.value.slice();
    value.set(u64(pick(INTERESTING_INTS, p.b)), kv.type === TYPE_ARRAY ? 4 : 0);
    kv.value = value;
    return true;
  }),
  ggufMutator('gguf-kv-value', (g, p) => {
    const crafted = craftedValue(p);
    if (g.kvs.length > 0 && p.c % 2 === 0) Object.assign(pick(g.kvs, p.c), crafted);
    else g.kvs.push({ key: text(`fuzz.${p.c % 8}`), ...crafted });
    return true;
  }),
  ggufMutator('gguf-alignment', (g, p) => {
    const key = text('general.alignment');
    g.kvs = g.kvs.filter((k) => new TextDecoder().decode(k.key) !== 'general.alignment');
    g.kvs.splice(p.a % (g.kvs.length + 1), 0, p.d % 4 === 0 ? { key, type: TYPE_STRING, value: str(text('32')) } : { key, type: TYPE_UINT32, value: u32(pick(ALIGNMENTS, p.b)) });
    return true;
  }),
  ggufMutator('gguf-duplicate', (g, p) => {
    const times = Math.min(pickCount(p.b), 5000);
    if (p.d % 2 === 0 && g.kvs.length > 0) {
      const kv = pick(g.kvs, p.a);
      g.kvs.push(...Array.from({ length: times }, (_, i) => ({ ...kv, key: p.c % 2 === 0 ? kv.key : text(`${new TextDecoder().decode(kv.key)}.${i}`) })));
      return true;
    }
    if (g.tensors.length === 0) return false;
    const t = pick(g.tensors, p.a);
    g.tensors.push(...Array.from({ length: times }, (_, i) => ({ ...t, name: p.c % 2 === 0 ? t.name : text(`t${i}`) })));
    return true;
  }),
  ggufMutator('gguf-dims', (g, p) => {
    if (g.tensors.length === 0) return false;
    pick(g.tensors, p.a).dims = [...pick(DIMS, p.b)];
    return true;
  }),
  ggufMutator('gguf-tensor-type', (g, p) => {
    if (g.tensors.length === 0) return false;
    pick(g.tensors, p.a).type = pick(TENSOR_TYPES, p.b);
    return true;
  }),
  ggufMutator('gguf-offset', (g, p) => {
    if (g.tensors.length === 0) return false;
    const t = pick(g.tensors, p.a);
    t.offset = p.d % 2 === 0 ? pick(INTERESTING_INTS, p.b) : pick(g.tensors, p.b).offset;
    return true;
  }),
  ggufMutator('gguf-name', (g, p) => {
    if (g.tensors.length === 0) return false;
    pick(g.tensors, p.a).name = p.d % 2 === 0 ? text(pick(INTERESTING_STRINGS, p.b)) : pick(g.tensors, p.b).name;
    return true;
  }),
  ggufMutator('gguf-remove', (g, p) => {
    const list: unknown[] = p.d % 2 === 0 ? g.kvs : g.tensors;
    if (list.length === 0) return false;
    list.splice(p.a % list.length, 1);
    return true;
  }),
  ggufMutator('gguf-resize-data', (g, p) => {
    const size = Math.max(0, g.data.length + (p.d % 2 === 0 ? -1 - (p.b % 256) : 1 + (p.b % 256)));
    const data = new Uint8Array(size);
    data.set(g.data.subarray(0, size));
    g.data = data;
    return true;
  }),
];
