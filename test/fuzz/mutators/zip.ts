import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { concatBytes, withFile, type FileSet } from '../fileSet';
import { INTERESTING_INTS, INTERESTING_STRINGS } from './interesting';
import { MAX_MUTATED_FILE_BYTES, pick, type MutationParams, type Mutator } from './mutator';

// PKWARE APPNOTE.TXT 4.3.7 (local header), 4.3.12 (central header), 4.3.16 (end record), 4.5.3 (zip64 extra).
const LOCAL_SIGNATURE = 0x04034b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const END_SIGNATURE = 0x06054b50;
const ZIP64_END_SIGNATURE = 0x06064b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const STORED = 0;
const DEFLATED = 8;
const SATURATED = 0xffffffff;
/** A member inflating to more than this while parsing for mutation is kept compressed as it is. */
const MAX_PARSE_INFLATE = 8 * 1024 * 1024;
const BOMB_SIZES = [1 << 20, 16 << 20, 64 << 20] as const;
/** A bomb keeping the member's own head stays small: its deflate cannot be cached. */
const HEADED_BOMB_BYTES = 1 << 20;

/** Deflated runs of zeros by size: deflating 64 MiB on every mutation would dominate the campaign. */
const zeroBombs = new Map<number, Uint8Array>();

function zeroBomb(size: number): Uint8Array {
  let raw = zeroBombs.get(size);
  if (!raw) {
    raw = new Uint8Array(deflateRawSync(new Uint8Array(size), { level: 9 }));
    zeroBombs.set(size, raw);
  }
  return raw;
}

/** One member and the lies to write about it. */
interface Member {
  name: string;
  method: number;
  /** Uncompressed bytes, or undefined when only `raw` (compressed bytes that would not inflate) is known. */
  data: Uint8Array | undefined;
  raw?: Uint8Array;
  flags?: number;
  compressedSize?: bigint;
  uncompressedSize?: bigint;
  localOffset?: bigint;
  localNameLength?: number;
  localExtraLength?: number;
  zip64?: boolean;
}

interface Zip {
  members: Member[];
  count?: number;
  directorySize?: bigint;
  directoryOffset?: bigint;
}

/** Reads a zip leniently (central directory, zip64 included); undefined when it is not one. */
export function parseZip(bytes: Uint8Array): Zip | undefined {
  try {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let end = -1;
    for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
      if (view.getUint32(i, true) === END_SIGNATURE) {
        end = i;
        break;
      }
    }
    if (end < 0) return undefined;
    let count = view.getUint16(end + 10, true);
    let offset = view.getUint32(end + 16, true);
    if (end >= 20 && view.getUint32(end - 20, true) === ZIP64_LOCATOR_SIGNATURE) {
      const record = Number(view.getBigUint64(end - 20 + 8, true));
      if (view.getUint32(record, true) === ZIP64_END_SIGNATURE) {
        count = Number(view.getBigUint64(record + 32, true));
        offset = Number(view.getBigUint64(record + 48, true));
      }
    }
    const members: Member[] = [];
    let at = offset;
    for (let i = 0; i < count && i < 4096; i++) {
      if (view.getUint32(at, true) !== CENTRAL_SIGNATURE) return undefined;
      const method = view.getUint16(at + 10, true);
      let compressed = view.getUint32(at + 20, true);
      const nameLength = view.getUint16(at + 28, true);
      const extraLength = view.getUint16(at + 30, true);
      const commentLength = view.getUint16(at + 32, true);
      let local = view.getUint32(at + 42, true);
      const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
      let extra = at + 46 + nameLength;
      const extraEnd = extra + extraLength;
      while (extra + 4 <= extraEnd) {
        const id = view.getUint16(extra, true);
        const size = view.getUint16(extra + 2, true);
        if (id === 1) {
          let field = extra + 4;
          const next = () => Number(view.getBigUint64((field += 8) - 8, true));
          if (view.getUint32(at + 24, true) === SATURATED) next();
          if (compressed === SATURATED) compressed = next();
          if (local === SATURATED) local = next();
        }
        extra += 4 + size;
      }
      at = extraEnd + commentLength;
      const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      const raw = bytes.subarray(dataStart, dataStart + compressed);
      if (method === DEFLATED) {
        try {
          members.push({ name, method, data: new Uint8Array(inflateRawSync(raw, { maxOutputLength: MAX_PARSE_INFLATE })) });
        } catch {
          members.push({ name, method, data: undefined, raw });
        }
      } else {
        members.push({ name, method, data: raw });
      }
    }
    return { members };
  } catch {
    return undefined;
  }
}

function u16(v: number): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v & 0xffff, true);
  return b;
}

function u32(v: number | bigint): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, Number(BigInt.asUintN(32, BigInt(v))), true);
  return b;
}

function u64(v: number | bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true);
  return b;
}

export function writeZip(zip: Zip): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let pos = 0;
  for (const m of zip.members) {
    const name = new TextEncoder().encode(m.name);
    const body = m.raw ?? (m.method === DEFLATED && m.data ? new Uint8Array(deflateRawSync(m.data)) : (m.data ?? new Uint8Array(0)));
    const data = m.data ?? new Uint8Array(0);
    const crc = crc32(data);
    const compressed = m.compressedSize ?? BigInt(body.length);
    const uncompressed = m.uncompressedSize ?? BigInt(data.length);
    const offset = m.localOffset ?? BigInt(pos);
    const flags = m.flags ?? 0;
    const local = concatBytes([
      u32(LOCAL_SIGNATURE), u16(20), u16(flags), u16(m.method), u32(0), u32(crc),
      u32(m.zip64 ? SATURATED : compressed), u32(m.zip64 ? SATURATED : uncompressed),
      u16(m.localNameLength ?? name.length), u16(m.localExtraLength ?? 0), name,
    ]);
    const extra = m.zip64 ? concatBytes([u16(1), u16(24), u64(uncompressed), u64(compressed), u64(offset)]) : new Uint8Array(0);
    central.push(concatBytes([
      u32(CENTRAL_SIGNATURE), u16(45), u16(20), u16(flags), u16(m.method), u32(0), u32(crc),
      u32(m.zip64 ? SATURATED : compressed), u32(m.zip64 ? SATURATED : uncompressed), u16(name.length), u16(extra.length), u16(0),
      u16(0), u16(0), u32(0), u32(m.zip64 ? SATURATED : offset), name, extra,
    ]));
    parts.push(local, body);
    pos += local.length + body.length;
  }
  const directory = concatBytes(central);
  const end = concatBytes([
    u32(END_SIGNATURE), u16(0), u16(0), u16(zip.count ?? zip.members.length), u16(zip.count ?? zip.members.length),
    u32(zip.directorySize ?? BigInt(directory.length)), u32(zip.directoryOffset ?? BigInt(pos)), u16(0),
  ]);
  return concatBytes([...parts, directory, end]);
}

/** Edits of a member's uncompressed bytes, chosen by the member's name (pickles, arrays, raw storages). */
export type MemberEdits = (name: string) => readonly ((bytes: Uint8Array, p: MutationParams) => Uint8Array | undefined)[];

type ZipEdit = (zip: Zip, p: MutationParams, memberEdits: MemberEdits) => boolean;

function memberOf(zip: Zip, p: MutationParams): Member | undefined {
  return zip.members.length === 0 ? undefined : pick(zip.members, p.c);
}

const EDITS: readonly { name: string; edit: ZipEdit }[] = [
  {
    name: 'member',
    edit(zip, p, memberEdits) {
      const m = memberOf(zip, p);
      const edits = m && memberEdits(m.name);
      if (!m?.data || !edits || edits.length === 0) return false;
      const out = pick(edits, p.d)(m.data, { ...p, d: Math.floor(p.d / edits.length) });
      if (!out) return false;
      m.data = out;
      return true;
    },
  },
  {
    name: 'rename',
    edit(zip, p) {
      const m = memberOf(zip, p);
      if (!m) return false;
      m.name = p.d % 3 === 0 ? pick(zip.members, p.b).name : p.d % 3 === 1 ? pick(INTERESTING_STRINGS, p.b) : m.name.replace(/^[^/]*\//, pick(['', 'x/', 'a/b/'], p.b));
      return true;
    },
  },
  {
    name: 'drop',
    edit(zip, p) {
      if (zip.members.length === 0) return false;
      zip.members.splice(p.c % zip.members.length, 1);
      return true;
    },
  },
  {
    name: 'duplicate-or-move',
    edit(zip, p) {
      const m = memberOf(zip, p);
      if (!m) return false;
      if (p.d % 2 === 0) zip.members.splice(p.b % (zip.members.length + 1), 0, { ...m });
      else zip.members.unshift(...zip.members.splice(p.c % zip.members.length, 1));
      return true;
    },
  },
  {
    name: 'method',
    edit(zip, p) {
      const m = memberOf(zip, p);
      if (!m) return false;
      if (p.d % 2 === 0 && m.data) m.method = m.method === DEFLATED ? STORED : DEFLATED;
      else m.raw = m.raw ?? (m.method === DEFLATED && m.data ? new Uint8Array(deflateRawSync(m.data)) : m.data);
      if (p.d % 2 === 1) m.method = pick([STORED, DEFLATED, 12, 14, 99], p.b);
      return true;
    },
  },
  {
    name: 'sizes',
    edit(zip, p) {
      const m = memberOf(zip, p);
      if (!m) return false;
      const v = pick(INTERESTING_INTS, p.b);
      if (p.d % 3 !== 1) m.uncompressedSize = v;
      if (p.d % 3 !== 0) m.compressedSize = v;
      return true;
    },
  },
  {
    name: 'offsets',
    edit(zip, p) {
      const m = memberOf(zip, p);
      if (!m) return false;
      if (p.d % 3 === 0) m.localOffset = pick(INTERESTING_INTS, p.b);
      else if (p.d % 3 === 1) m.localNameLength = pick([0, 1, 0xffff, 200], p.b);
      else m.localExtraLength = pick([1, 4, 0xffff, 200], p.b);
      return true;
    },
  },
  {
    name: 'zip64',
    edit(zip, p) {
      const m = memberOf(zip, p);
      if (!m) return false;
      m.zip64 = true;
      if (p.d % 2 === 1) m.uncompressedSize = pick(INTERESTING_INTS, p.b);
      return true;
    },
  },
  {
    name: 'directory',
    edit(zip, p) {
      const v = pick(INTERESTING_INTS, p.b);
      if (p.d % 3 === 0) zip.count = Number(BigInt.asUintN(16, v));
      else if (p.d % 3 === 1) zip.directorySize = v;
      else zip.directoryOffset = v;
      return true;
    },
  },
  {
    name: 'flags',
    edit(zip, p) {
      const m = memberOf(zip, p);
      if (!m) return false;
      m.flags = pick([1, 8, 0x800, 0xffff], p.b);
      return true;
    },
  },
  {
    // Deflate bombs: a member inflating to many MB of zeros (after its original start, or alone).
    name: 'bomb',
    edit(zip, p) {
      const m = memberOf(zip, p);
      if (!m?.data) return false;
      const headed = p.d % 2 === 0;
      const size = headed ? HEADED_BOMB_BYTES : pick(BOMB_SIZES, p.b);
      if (headed) {
        const data = new Uint8Array(size);
        data.set(m.data.subarray(0, size));
        m.raw = new Uint8Array(deflateRawSync(data));
      } else {
        m.raw = zeroBomb(size);
      }
      m.data = undefined;
      m.method = DEFLATED;
      m.uncompressedSize = BigInt(size);
      return true;
    },
  },
];

/** Zip-structure mutators for the zip files of a set; `memberEdits` mutates member contents. */
export function zipMutators(prefix: string, memberEdits: MemberEdits): Mutator[] {
  return EDITS.map(({ name, edit }) => ({
    name: `${prefix}-${name}`,
    apply(files: FileSet, p) {
      const index = files.findIndex((f) => f.bytes[0] === 0x50 && f.bytes[1] === 0x4b);
      if (index < 0) return undefined;
      const zip = parseZip(files[index]!.bytes);
      if (!zip || !edit(zip, p, memberEdits)) return undefined;
      const out = writeZip(zip);
      return out.length > MAX_MUTATED_FILE_BYTES ? undefined : withFile(files, index, out);
    },
  }));
}
