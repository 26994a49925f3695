import { FormatError } from '../errors';
import type { ByteSource } from './byteSource';
import { Cursor } from './cursor';
import { InflatedByteSource } from './inflatedSource';
import { SliceByteSource } from './sliceSource';

// Record signatures and layouts: PKWARE APPNOTE.TXT 6.3.10, sections 4.3.7, 4.3.12, 4.3.14-16.
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const LOCAL_HEADER_BYTES = 30;
const CENTRAL_HEADER_BYTES = 46;
const EOCD_BYTES = 22;
const ZIP64_LOCATOR_BYTES = 20;
const ZIP64_EOCD_BYTES = 56;
/** The EOCD comment length is a u16, so the record starts at most this far before the end. */
const MAX_EOCD_SEARCH = EOCD_BYTES + 0xffff;
/** APPNOTE 4.5.3: the extra field holding 64-bit sizes and offsets. */
const ZIP64_EXTRA_ID = 0x0001;
const FLAG_ENCRYPTED = 0x0001;
export const METHOD_STORED = 0;
export const METHOD_DEFLATED = 8;

/** More members than any checkpoint has storages (a 70B model has ~1k); bounds the entry table. */
export const MAX_ZIP_ENTRIES = 250_000;
/** Longest member name (PATH_MAX); torch and numpy names are short. */
export const MAX_ZIP_NAME_LENGTH = 4096;
/** The whole central directory is read at once: this bounds that read. */
export const MAX_CENTRAL_DIRECTORY_BYTES = 64 * 1024 * 1024;
/** Deflate cannot expand data by more than ~1032:1 (zlib tech notes): a larger declared size is a lie. */
export const MAX_DEFLATE_RATIO = 1032;

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly encrypted: boolean;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly localHeaderOffset: number;
}

/** True when `head` starts with a local file header (`PK\x03\x04`). */
export function isZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/** Name of the first member from its local header in `head`, or undefined when it does not fit. */
export function firstMemberName(head: Uint8Array): string | undefined {
  if (!isZip(head) || head.length < LOCAL_HEADER_BYTES) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const nameLength = view.getUint16(26, true);
  if (LOCAL_HEADER_BYTES + nameLength > head.length) return undefined;
  return new TextDecoder('utf-8').decode(head.subarray(LOCAL_HEADER_BYTES, LOCAL_HEADER_BYTES + nameLength));
}

/** A zip archive (ZIP64 included) read from its central directory; members stay on disk. */
export class ZipArchive {
  private readonly byName: ReadonlyMap<string, ZipEntry>;

  private constructor(
    readonly source: ByteSource,
    readonly format: string,
    readonly entries: readonly ZipEntry[],
  ) {
    const byName = new Map<string, ZipEntry>();
    for (const e of entries) {
      // Two members with one name would let two tools see two different files.
      if (byName.has(e.name)) throw new FormatError(format, `zip has two members named '${e.name}'`, e.localHeaderOffset);
      byName.set(e.name, e);
    }
    this.byName = byName;
  }

  static async open(source: ByteSource, format: string): Promise<ZipArchive> {
    const directory = await locateCentralDirectory(source, format);
    const entries = await readCentralDirectory(source, format, directory);
    return new ZipArchive(source, format, entries);
  }

  get(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  /** Absolute offset of the member's (possibly compressed) data, from its local header. */
  async dataOffset(entry: ZipEntry): Promise<number> {
    const at = entry.localHeaderOffset;
    const c = new Cursor(await this.source.read(at, LOCAL_HEADER_BYTES, this.format), this.format, at);
    if (c.u32('local header signature') !== LOCAL_HEADER_SIGNATURE) c.fail(`member '${entry.name}' has no local header at ${at}`, at);
    c.skip(22);
    const nameLength = c.u16('name length');
    const extraLength = c.u16('extra length');
    const start = at + LOCAL_HEADER_BYTES + nameLength + extraLength;
    if (start + entry.compressedSize > this.source.size) {
      // Blamed on the local header: the data start computed from its lengths may lie past the end of the file.
      throw new FormatError(this.format, `member '${entry.name}' needs bytes ${start}..${start + entry.compressedSize} but the file has ${this.source.size} (truncated?)`, at);
    }
    return start;
  }

  /** The member's uncompressed bytes as a ByteSource (stored: a window; deflated: inflated on demand). */
  async openMember(entry: ZipEntry): Promise<ByteSource> {
    if (entry.encrypted) throw new FormatError(this.format, `member '${entry.name}' is encrypted`, entry.localHeaderOffset);
    const start = await this.dataOffset(entry);
    const label = `${this.source.name}:${entry.name}`;
    if (entry.method === METHOD_STORED) {
      if (entry.compressedSize !== entry.uncompressedSize) {
        throw new FormatError(this.format, `stored member '${entry.name}' has different compressed and uncompressed sizes`, entry.localHeaderOffset);
      }
      return new SliceByteSource(label, this.source, start, entry.uncompressedSize);
    }
    if (entry.method === METHOD_DEFLATED) {
      if (entry.uncompressedSize > Math.max(1, entry.compressedSize) * MAX_DEFLATE_RATIO) {
        throw new FormatError(this.format, `member '${entry.name}' declares ${entry.uncompressedSize} bytes from ${entry.compressedSize} compressed: more than deflate can produce`, entry.localHeaderOffset);
      }
      return new InflatedByteSource(label, this.source, start, entry.compressedSize, entry.uncompressedSize);
    }
    throw new FormatError(this.format, `member '${entry.name}' uses unsupported compression method ${entry.method}`, entry.localHeaderOffset);
  }
}

interface CentralDirectory {
  readonly offset: number;
  readonly size: number;
  readonly count: number;
}

async function locateCentralDirectory(source: ByteSource, format: string): Promise<CentralDirectory> {
  const tailLength = Math.min(source.size, MAX_EOCD_SEARCH);
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength, format);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  for (let i = tail.length - EOCD_BYTES; i >= 0; i--) {
    if (view.getUint32(i, true) !== EOCD_SIGNATURE) continue;
    // The comment must end exactly at the end of the file, or this is a stray signature.
    if (i + EOCD_BYTES + view.getUint16(i + 20, true) !== tail.length) continue;
    const eocdOffset = tailStart + i;
    const c = new Cursor(tail.subarray(i), format, eocdOffset);
    c.skip(4);
    const disk = c.u16('disk number');
    const cdDisk = c.u16('central directory disk');
    c.skip(2);
    const count = c.u16('entry count');
    const size = c.u32('central directory size');
    const offset = c.u32('central directory offset');
    if (disk !== 0 || cdDisk !== 0) c.fail('multi-disk zip archives are not supported', eocdOffset);
    const locatorOffset = eocdOffset - ZIP64_LOCATOR_BYTES;
    if (locatorOffset >= 0 && (await readU32(source, locatorOffset, format)) === ZIP64_LOCATOR_SIGNATURE) {
      return readZip64Directory(source, format, locatorOffset);
    }
    return checkDirectory(format, { offset, size, count }, eocdOffset);
  }
  throw new FormatError(format, 'not a zip archive: no end of central directory record (truncated?)', source.size);
}

async function readZip64Directory(source: ByteSource, format: string, locatorOffset: number): Promise<CentralDirectory> {
  const locator = new Cursor(await source.read(locatorOffset, ZIP64_LOCATOR_BYTES, format), format, locatorOffset);
  locator.skip(8);
  const recordOffset = locator.u64('zip64 end of central directory offset');
  if (recordOffset + ZIP64_EOCD_BYTES > locatorOffset) {
    locator.fail(`zip64 end of central directory at ${recordOffset} overlaps its locator`, locatorOffset);
  }
  const c = new Cursor(await source.read(recordOffset, ZIP64_EOCD_BYTES, format), format, recordOffset);
  if (c.u32('zip64 signature') !== ZIP64_EOCD_SIGNATURE) c.fail('bad zip64 end of central directory signature', recordOffset);
  c.skip(12);
  const disk = c.u32('disk number');
  const cdDisk = c.u32('central directory disk');
  if (disk !== 0 || cdDisk !== 0) c.fail('multi-disk zip archives are not supported', recordOffset);
  c.skip(8);
  const count = c.u64('entry count');
  const size = c.u64('central directory size');
  const offset = c.u64('central directory offset');
  return checkDirectory(format, { offset, size, count }, recordOffset);
}

function checkDirectory(format: string, dir: CentralDirectory, end: number): CentralDirectory {
  if (dir.count > MAX_ZIP_ENTRIES) {
    throw new FormatError(format, `zip declares ${dir.count} members, more than the limit of ${MAX_ZIP_ENTRIES}`, end);
  }
  if (dir.size > MAX_CENTRAL_DIRECTORY_BYTES) {
    throw new FormatError(format, `central directory of ${dir.size} bytes exceeds the limit of ${MAX_CENTRAL_DIRECTORY_BYTES}`, end);
  }
  if (dir.offset + dir.size > end) {
    throw new FormatError(format, `central directory ${dir.offset}+${dir.size} runs past its end record at ${end}`, end);
  }
  if (dir.count * CENTRAL_HEADER_BYTES > dir.size) {
    throw new FormatError(format, `central directory of ${dir.size} bytes cannot hold ${dir.count} members`, end);
  }
  return dir;
}

async function readU32(source: ByteSource, offset: number, format: string): Promise<number> {
  const bytes = await source.read(offset, 4, format);
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
}

async function readCentralDirectory(source: ByteSource, format: string, dir: CentralDirectory): Promise<ZipEntry[]> {
  const c = new Cursor(await source.read(dir.offset, dir.size, format), format, dir.offset);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < dir.count; i++) entries.push(readCentralHeader(c, dir.offset));
  return entries;
}

function readCentralHeader(c: Cursor, directoryOffset: number): ZipEntry {
  const at = c.fileOffset;
  if (c.u32('central header signature') !== CENTRAL_HEADER_SIGNATURE) c.fail(`bad central directory header signature at ${at}`, at);
  c.skip(4);
  const flags = c.u16('flags');
  const method = c.u16('method');
  c.skip(8);
  let compressedSize = c.u32('compressed size');
  let uncompressedSize = c.u32('uncompressed size');
  const nameLength = c.u16('name length');
  const extraLength = c.u16('extra length');
  const commentLength = c.u16('comment length');
  const diskStart = c.u16('disk start');
  c.skip(6);
  let localHeaderOffset = c.u32('local header offset');
  if (nameLength > MAX_ZIP_NAME_LENGTH) c.fail(`member name of ${nameLength} bytes exceeds the limit of ${MAX_ZIP_NAME_LENGTH}`, at);
  const name = c.utf8(nameLength, 'member name');
  const extra = new Cursor(c.bytesOf(extraLength, 'extra field'), c.format, c.fileOffset - extraLength);
  c.skip(commentLength, 'member comment');
  const zip64 = findZip64Extra(extra);
  if (zip64) {
    // APPNOTE 4.5.3: only the fields whose 32-bit value is saturated are present, in this order.
    if (uncompressedSize === 0xffffffff) uncompressedSize = zip64.u64('zip64 uncompressed size');
    if (compressedSize === 0xffffffff) compressedSize = zip64.u64('zip64 compressed size');
    if (localHeaderOffset === 0xffffffff) localHeaderOffset = zip64.u64('zip64 local header offset');
  } else if (uncompressedSize === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
    c.fail(`member '${name}' has saturated 32-bit fields but no zip64 extra field`, at);
  }
  if (diskStart !== 0 && diskStart !== 0xffff) c.fail(`member '${name}' lives on another disk`, at);
  if (localHeaderOffset + LOCAL_HEADER_BYTES > directoryOffset) {
    c.fail(`member '${name}' local header at ${localHeaderOffset} is past the central directory`, at);
  }
  return { name, method, encrypted: (flags & FLAG_ENCRYPTED) !== 0, compressedSize, uncompressedSize, localHeaderOffset };
}

/** A cursor over the zip64 extra field's data, or undefined when there is none. */
function findZip64Extra(extra: Cursor): Cursor | undefined {
  while (extra.remaining >= 4) {
    const id = extra.u16('extra id');
    const size = extra.u16('extra size');
    const at = extra.fileOffset;
    const data = extra.bytesOf(size, 'extra data');
    if (id === ZIP64_EXTRA_ID) return new Cursor(data, extra.format, at);
  }
  return undefined;
}
