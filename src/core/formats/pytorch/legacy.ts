import { FormatError } from '../../errors';
import type { ByteSource } from '../../io/byteSource';
import { Cursor } from '../../io/cursor';
import { unpickle } from '../../pickle/unpickler';
import { keyOf } from '../../pickle/keys';
import { describe, PyDict, PyList, PyTuple, type PickleValue } from '../../pickle/values';
import { torchContents, type StorageBytes, type TorchContents } from './entries';
import { asCount, FORMAT, parseStoragePid, TorchStorage, TorchStorageType, torchResolver } from './pickle';
import { parseGrowing } from './pickleWindow';

/** torch/serialization.py MAGIC_NUMBER and PROTOCOL_VERSION, the first two pickles of a legacy file. */
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL_VERSION = 1001n;
/** How pickle writes MAGIC_NUMBER: LONG1, 10 bytes, little-endian. */
const MAGIC_PICKLED = Uint8Array.of(0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19);
/** The LONG1 follows PROTO (2 bytes) and, from protocol 4, a FRAME (9 bytes). */
const MAGIC_SEARCH_BYTES = 16;
/** torch writes each storage's element count as 8 bytes before its data (`_write_file`). */
const STORAGE_COUNT_BYTES = 8;

export function isLegacyTorch(head: Uint8Array): boolean {
  if (head[0] !== 0x80) return false;
  const limit = Math.min(head.length - MAGIC_PICKLED.length, MAGIC_SEARCH_BYTES);
  for (let i = 1; i <= limit; i++) {
    if (MAGIC_PICKLED.every((b, j) => head[i + j] === b)) return true;
  }
  return false;
}

interface LegacyPickles {
  readonly root: PickleValue;
  readonly littleEndian: boolean;
  /** Storage type per root key, as the persistent ids declare them. */
  readonly types: ReadonlyMap<string, TorchStorageType>;
  readonly keys: readonly string[];
  /** Offset just after the keys pickle: the first storage's count. */
  readonly end: number;
}

/**
 * torch/serialization.py _legacy_save: five pickles (magic, protocol version, sys_info, the
 * object with storage persistent ids, the storage keys), then for each key in order its
 * element count (8 bytes) and raw bytes. Storage offsets come from walking the counts.
 */
export async function openLegacyTorch(source: ByteSource): Promise<TorchContents> {
  const pickles = await readPickles(source);
  const located = await walkStorages(source, pickles);
  const contents = await torchContents(pickles.root, async (storage) => {
    const found = located.get(storage.key);
    if (!found) throw new FormatError(FORMAT, `storage '${storage.key}' is not in the file's storage list`);
    return found;
  }, source.name);
  return { tensors: contents.tensors, metadata: { container: 'legacy', byteorder: pickles.littleEndian ? 'little' : 'big', ...contents.metadata } };
}

/** Parses the five pickles from a window at the file start, growing it until they fit. */
function readPickles(source: ByteSource): Promise<LegacyPickles> {
  return parseGrowing(source, parsePickles);
}

function parsePickles(bytes: Uint8Array): LegacyPickles {
  const plain = { format: FORMAT, resolveGlobal: torchResolver() };
  const magic = unpickle(bytes, plain);
  if (magic.value !== LEGACY_MAGIC) throw new FormatError(FORMAT, 'legacy torch file has the wrong magic number', 0);
  const version = unpickle(bytes, plain, magic.end);
  if (version.value !== LEGACY_PROTOCOL_VERSION) {
    throw new FormatError(FORMAT, `legacy torch protocol version ${typeof version.value === 'bigint' ? version.value : describe(version.value)} (only ${LEGACY_PROTOCOL_VERSION} is supported)`, magic.end);
  }
  const sysInfo = unpickle(bytes, plain, version.end);
  const littleEndian = sysInfoLittleEndian(sysInfo.value);
  const types = new Map<string, TorchStorageType>();
  const main = unpickle(bytes, {
    ...plain,
    persistentLoad: (pid) => {
      const { type, key, numel, view } = parseStoragePid(pid);
      if (!types.has(key)) types.set(key, type);
      return new TorchStorage(key, type, numel, parseView(view));
    },
  }, sysInfo.end);
  const keys = unpickle(bytes, plain, main.end);
  if (!(keys.value instanceof PyList) || !keys.value.items.every((k) => typeof k === 'string')) {
    throw new FormatError(FORMAT, 'legacy storage key list is not a list of strings', main.end);
  }
  return { root: main.value, littleEndian, types, keys: keys.value.items as string[], end: keys.end };
}

function sysInfoLittleEndian(info: PickleValue): boolean {
  const key = keyOf('little_endian');
  const value = info instanceof PyDict && typeof key === 'string' ? info.entries.get(key)?.value : undefined;
  if (typeof value !== 'boolean') throw new FormatError(FORMAT, 'legacy sys_info has no little_endian flag');
  return value;
}

/** `(view_key, offset, view_size)` of pre-0.4 storage views, or null. */
function parseView(view: PickleValue): { offset: number; numel: number } | undefined {
  if (view === null) return undefined;
  if (!(view instanceof PyTuple) || view.items.length !== 3) throw new FormatError(FORMAT, 'legacy storage view metadata is not a (key, offset, size) tuple');
  return { offset: asCount(view.items[1], 'storage view offset'), numel: asCount(view.items[2], 'storage view size') };
}

/** Finds each storage's data by hopping over the 8-byte counts; payloads are never read. */
async function walkStorages(source: ByteSource, pickles: LegacyPickles): Promise<Map<string, StorageBytes>> {
  const located = new Map<string, StorageBytes>();
  let pos = pickles.end;
  for (const key of pickles.keys) {
    const type = pickles.types.get(key);
    if (!type) throw new FormatError(FORMAT, `storage '${key}' is listed but no tensor uses it, so its element size is unknown`, pos);
    if (type.itemSize === undefined) throw new FormatError(FORMAT, `storage '${key}' has unknown type ${type.name}`, pos);
    const count = new Cursor(await source.read(pos, STORAGE_COUNT_BYTES, FORMAT), FORMAT, pos, pickles.littleEndian).u64('storage element count');
    const start = pos + STORAGE_COUNT_BYTES;
    const byteLength = count * type.itemSize;
    if (start + byteLength > source.size) {
      throw new FormatError(FORMAT, `storage '${key}' needs bytes ${start}..${start + byteLength} but the file has ${source.size} (truncated?)`, pos);
    }
    if (located.has(key)) throw new FormatError(FORMAT, `storage '${key}' is listed twice`, pos);
    located.set(key, { source, offset: start, byteLength, littleEndian: pickles.littleEndian });
    pos = start + byteLength;
  }
  return located;
}
