import { withFile, type FileSet } from '../fileSet';
import { INTERESTING_INTS, INTERESTING_STRINGS, pickCount } from './interesting';
import { MAX_MUTATED_FILE_BYTES, pick, type MutationParams, type Mutator } from './mutator';

/** Protobuf wire types. // protobuf encoding guide */
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;
/** Sub-messages parsed for mutation down to this depth; deeper ones stay opaque bytes. */
const MAX_PARSE_DEPTH = 64;
/** Message nesting the nest edits build at most: clone and writeMessage recurse once per level. */
const MAX_WRITTEN_DEPTH = 2000;
/** Fields an edit chooses from. */
const MAX_FIELDS = 50_000;
const NESTING = [2, 31, 33, 100, 1000] as const;
const FIELD_NUMBERS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 20, 21, 536870911];
const EXTERNAL_VALUES = ['weights.bin', '../weights.bin', '/etc/passwd', 'missing.bin', '0', '-1', '8', '4096', '99999999999999999999', '1e3', '0x10', '', 'x'];

interface PbField {
  num: number;
  wire: number;
  varint?: bigint;
  fixed?: Uint8Array;
  bytes?: Uint8Array;
  /** Set when a length-delimited payload parses as a message. */
  children?: PbField[];
  /** Written instead of the payload's real length. */
  lengthOverride?: bigint;
}

/** A varint at `at` and the offset after it; numbers while exact, bigint past 2^53 (10-byte negatives). */
function readVarint(bytes: Uint8Array, at: number): [number | bigint, number] | undefined {
  let v = 0;
  for (let i = 0; i < 10; i++) {
    const b = bytes[at + i];
    if (b === undefined) return undefined;
    if (i === 7) return readBigVarint(bytes, at);
    v += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return [v, at + i + 1];
  }
  return undefined;
}

function readBigVarint(bytes: Uint8Array, at: number): [bigint, number] | undefined {
  let v = 0n;
  for (let i = 0; i < 10; i++) {
    const b = bytes[at + i];
    if (b === undefined) return undefined;
    v |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b < 0x80) return [v, at + i + 1];
  }
  return undefined;
}

export function parseMessage(bytes: Uint8Array, depth = 0): PbField[] | undefined {
  const fields: PbField[] = [];
  let at = 0;
  while (at < bytes.length) {
    const tag = readVarint(bytes, at);
    if (!tag || typeof tag[0] !== 'number') return undefined;
    const num = Math.floor(tag[0] / 8);
    const wire = tag[0] % 8;
    at = tag[1];
    if (num === 0) return undefined;
    if (wire === VARINT) {
      const v = readVarint(bytes, at);
      if (!v) return undefined;
      fields.push({ num, wire, varint: BigInt(v[0]) });
      at = v[1];
    } else if (wire === I64 || wire === I32) {
      const width = wire === I64 ? 8 : 4;
      if (at + width > bytes.length) return undefined;
      fields.push({ num, wire, fixed: bytes.subarray(at, at + width) });
      at += width;
    } else if (wire === LEN) {
      const n = readVarint(bytes, at);
      if (!n || typeof n[0] !== 'number' || n[1] + n[0] > bytes.length) return undefined;
      const payload = bytes.subarray(n[1], n[1] + n[0]);
      const children = depth < MAX_PARSE_DEPTH && payload.length > 0 ? parseMessage(payload, depth + 1) : undefined;
      fields.push(children ? { num, wire, children } : { num, wire, bytes: payload });
      at = n[1] + n[0];
    } else {
      return undefined;
    }
  }
  return fields;
}

/** Exact non-negative numbers take the fast path; anything else (negatives, beyond 2^53) goes through bigint. */
const isSmall = (value: number | bigint): value is number => typeof value === 'number' && value >= 0 && value <= Number.MAX_SAFE_INTEGER;

function varintSize(value: number | bigint): number {
  if (isSmall(value)) {
    let n = 1;
    for (let v = value; v >= 0x80; v = Math.floor(v / 128)) n++;
    return n;
  }
  let v = BigInt.asUintN(64, BigInt(value));
  let n = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    n++;
  }
  return n;
}

/**
 * Serializes in two passes, sizes then bytes, into one buffer: a mutated message holds up to a
 * million fields, and one small array per tag and value made the garbage collector the
 * fuzzer's busiest part. Sizes are cached per field list (duplicated fields share theirs).
 */
export function writeMessage(fields: readonly PbField[]): Uint8Array {
  const sizes = new Map<readonly PbField[], number>();
  const sizeOf = (list: readonly PbField[]): number => {
    let total = sizes.get(list);
    if (total !== undefined) return total;
    total = 0;
    for (const f of list) {
      total += varintSize(f.num * 8 + f.wire);
      if (f.varint !== undefined) total += varintSize(f.varint);
      else if (f.fixed) total += f.fixed.length;
      else {
        const payload = f.children ? sizeOf(f.children) : (f.bytes?.length ?? 0);
        total += varintSize(f.lengthOverride ?? payload) + payload;
      }
    }
    sizes.set(list, total);
    return total;
  };
  const out = new Uint8Array(sizeOf(fields));
  let at = 0;
  const putVarint = (value: number | bigint) => {
    if (isSmall(value)) {
      let n = value;
      for (; n >= 0x80; n = Math.floor(n / 128)) out[at++] = (n % 128) | 0x80;
      out[at++] = n;
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      out[at++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    out[at++] = Number(v);
  };
  const write = (list: readonly PbField[]) => {
    for (const f of list) {
      putVarint(f.num * 8 + f.wire);
      if (f.varint !== undefined) putVarint(f.varint);
      else if (f.fixed) {
        out.set(f.fixed, at);
        at += f.fixed.length;
      } else if (f.children) {
        putVarint(f.lengthOverride ?? sizes.get(f.children)!);
        write(f.children);
      } else {
        const b = f.bytes ?? new Uint8Array(0);
        putVarint(f.lengthOverride ?? b.length);
        out.set(b, at);
        at += b.length;
      }
    }
  };
  write(fields);
  return out;
}

function size(fields: readonly PbField[]): number {
  let n = 0;
  for (const f of fields) n += 12 + (f.children ? size(f.children) : (f.bytes?.length ?? 0));
  return n;
}

function clone(fields: readonly PbField[]): PbField[] {
  return fields.map((f) => ({ ...f, children: f.children && clone(f.children) }));
}

interface Slot {
  readonly list: PbField[];
  readonly index: number;
}

function slotsOf(root: PbField[]): Slot[] {
  const out: Slot[] = root.map((_, index) => ({ list: root, index }));
  for (let i = 0; i < out.length && out.length < MAX_FIELDS; i++) {
    const children = out[i]!.list[out[i]!.index]!.children;
    if (children) children.forEach((_, index) => out.push({ list: children, index }));
  }
  return out;
}

const fieldAt = (s: Slot): PbField => s.list[s.index]!;

/** `wrap(inner)` nested `depth` times around the message `inner`: graph -> node -> attribute -> graph ... */
function nestWithin(outer: PbField[], path: readonly number[], depth: number): PbField[] {
  let nested = clone(outer);
  // Each level adds about one `outer` and path.length message levels: stop before the file outgrows
  // the mutation cap, or the nesting the recursive writer here can follow.
  const levelBytes = Math.max(1, size(outer));
  const levels = Math.min(depth, Math.floor(MAX_WRITTEN_DEPTH / path.length));
  for (let level = 1; level < levels && (level + 1) * levelBytes < MAX_MUTATED_FILE_BYTES; level++) {
    const copy = clone(outer);
    let list = copy;
    for (const step of path.slice(0, -1)) list = list[step]!.children!;
    list[path[path.length - 1]!]!.children = nested;
    nested = copy;
  }
  return nested;
}

/** Paths (child indexes) from `fields` to each message-valued descendant, breadth first. */
function messagePaths(fields: readonly PbField[], limit: number): number[][] {
  const out: number[][] = [];
  const queue: { list: readonly PbField[]; path: number[] }[] = [{ list: fields, path: [] }];
  while (queue.length > 0 && out.length < limit) {
    const { list, path } = queue.shift()!;
    list.forEach((f, i) => {
      if (!f.children) return;
      out.push([...path, i]);
      queue.push({ list: f.children, path: [...path, i] });
    });
  }
  return out;
}

type PbEdit = (root: PbField[], slots: Slot[], p: MutationParams) => boolean;

const text = (s: string) => new TextEncoder().encode(s);

const EDITS: readonly { name: string; edit: PbEdit }[] = [
  {
    name: 'varint',
    edit(_r, slots, p) {
      const found = slots.filter((s) => fieldAt(s).varint !== undefined);
      if (found.length === 0) return false;
      const v = pick(INTERESTING_INTS, p.b);
      fieldAt(pick(found, p.a)).varint = p.d % 3 === 0 ? -v : v;
      return true;
    },
  },
  {
    name: 'length',
    edit(_r, slots, p) {
      const found = slots.filter((s) => fieldAt(s).wire === LEN);
      if (found.length === 0) return false;
      const f = fieldAt(pick(found, p.a));
      const real = BigInt(f.children ? writeMessage(f.children).length : (f.bytes?.length ?? 0));
      f.lengthOverride = p.d % 2 === 0 ? pick(INTERESTING_INTS, p.b) : real + BigInt((p.b % 9) - 4);
      return true;
    },
  },
  {
    name: 'duplicate',
    edit(_r, slots, p) {
      const s = pick(slots, p.a);
      const f = fieldAt(s);
      const times = Math.min(pickCount(p.b), Math.floor(MAX_MUTATED_FILE_BYTES / (12 + size([f]))));
      // A loop, not splice(..., ...copies): 130,000 arguments overflow the stack here too.
      const tail = s.list.splice(s.index + 1);
      for (let i = 0; i < times; i++) s.list.push(f);
      for (const rest of tail) s.list.push(rest);
      return times > 0;
    },
  },
  {
    name: 'delete',
    edit(_r, slots, p) {
      const s = pick(slots, p.a);
      s.list.splice(s.index, 1);
      return true;
    },
  },
  {
    name: 'string',
    edit(_r, slots, p) {
      const found = slots.filter((s) => fieldAt(s).bytes !== undefined || (fieldAt(s).wire === LEN && p.d % 4 === 0));
      if (found.length === 0) return false;
      const f = fieldAt(pick(found, p.a));
      f.children = undefined;
      f.bytes = text(pick(INTERESTING_STRINGS, p.b));
      return true;
    },
  },
  {
    name: 'renumber',
    edit(_r, slots, p) {
      const f = fieldAt(pick(slots, p.a));
      if (p.d % 4 === 0) f.wire = pick([VARINT, I64, LEN, 3, 4, I32, 6, 7], p.b);
      else f.num = pick(FIELD_NUMBERS, p.b);
      return true;
    },
  },
  {
    name: 'move',
    edit(_r, slots, p) {
      const from = pick(slots, p.a);
      const targets = slots.filter((s) => fieldAt(s).children);
      if (targets.length === 0) return false;
      const into = fieldAt(pick(targets, p.b)).children!;
      const f = fieldAt(from);
      if (p.d % 2 === 0) from.list.splice(from.index, 1);
      into.splice(p.c % (into.length + 1), 0, p.d % 2 === 0 ? f : { ...f, children: f.children && clone(f.children) });
      return true;
    },
  },
  {
    name: 'nest',
    edit(_r, slots, p) {
      const outers = slots.filter((s) => fieldAt(s).children);
      if (outers.length === 0) return false;
      const outer = fieldAt(pick(outers, p.a));
      const paths = messagePaths(outer.children!, 256);
      if (paths.length === 0) return false;
      outer.children = nestWithin(outer.children!, pick(paths, p.b), pick(NESTING, p.d));
      return true;
    },
  },
];

/** ONNX-shaped edits: subgraphs nested to and past the limit, external data entries with hostile values. */
const ONNX_EDITS: readonly { name: string; edit: PbEdit }[] = [
  {
    name: 'if-chain',
    edit(root, _s, p) {
      // ModelProto.graph = 7; GraphProto.node = 1; NodeProto.op_type = 4, attribute = 5; AttributeProto.name = 1, g = 6, type = 20 (GRAPH = 5).
      const graph = root.find((f) => f.num === 7 && f.children);
      if (!graph) return false;
      let inner: PbField[] = graph.children!;
      for (let i = 0; i < pick(NESTING, p.b); i++) {
        const attribute: PbField[] = [{ num: 1, wire: LEN, bytes: text('then_branch') }, { num: 20, wire: VARINT, varint: 5n }, { num: 6, wire: LEN, children: inner }];
        const node: PbField[] = [{ num: 4, wire: LEN, bytes: text('If') }, { num: 5, wire: LEN, children: attribute }];
        inner = [{ num: 1, wire: LEN, children: node }];
      }
      graph.children = inner;
      return true;
    },
  },
  {
    name: 'external',
    edit(_r, slots, p) {
      // StringStringEntryProto: key = 1, value = 2; TensorProto.external_data = 13.
      const entries = slots.filter((s) => fieldAt(s).num === 13 && fieldAt(s).children?.some((c) => c.num === 1));
      if (entries.length === 0) return false;
      const entry = fieldAt(pick(entries, p.a)).children!;
      if (p.d % 3 === 0) entry.splice(0, entry.length, { num: 1, wire: LEN, bytes: text(pick(['location', 'offset', 'length', 'checksum', 'other'], p.c)) });
      const value = entry.find((c) => c.num === 2);
      const bytes = text(pick(EXTERNAL_VALUES, p.b));
      if (value) {
        value.children = undefined;
        value.bytes = bytes;
      } else entry.push({ num: 2, wire: LEN, bytes });
      return true;
    },
  },
];

/** Protobuf-structure mutators of the `.onnx` file of a set. */
export function protobufMutators(prefix: string, withOnnx: boolean): Mutator[] {
  return [...EDITS, ...(withOnnx ? ONNX_EDITS : [])].map(({ name, edit }) => ({
    name: `${prefix}-${name}`,
    apply(files: FileSet, p) {
      const index = files.findIndex((f) => f.name.endsWith('.onnx'));
      if (index < 0) return undefined;
      const root = parseMessage(files[index]!.bytes);
      if (!root || root.length === 0 || !edit(root, slotsOf(root), p)) return undefined;
      const out = writeMessage(root);
      return out.length > MAX_MUTATED_FILE_BYTES ? undefined : withFile(files, index, out);
    },
  }));
}
