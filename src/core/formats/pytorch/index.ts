import { FormatError } from '../../errors';
import type { ByteSource } from '../../io/byteSource';
import { firstMemberName, isZip, METHOD_STORED, ZipArchive, type ZipEntry } from '../../io/zip';
import { MAX_PICKLE_BYTES, unpickle } from '../../pickle/unpickler';
import type { PickleValue } from '../../pickle/values';
import type { Model } from '../../tensor';
import { torchContents, type StorageBytes, type TorchContents } from './entries';
import { isLegacyTorch, openLegacyTorch } from './legacy';
import { FORMAT, parseStoragePid, TorchStorage, torchResolver } from './pickle';
import { isClaimedBy } from '../fileClaim';
import { parseGrowing } from './pickleWindow';
import type { FormatReader, OpenContext } from '../reader';
import { PYTORCH_FILES, TORCH_SNIFF_ONLY_NAMES } from './files';

/** torch/serialization.py: the `byteorder` record is 'little' or 'big'; a file without one is little-endian. */
const BYTEORDER_BYTES_MAX = 16;
/** Enough of the file to tell the legacy magic number from a zip. */
const SNIFF_HEAD_BYTES = 64;
/** The `version` record is a short decimal string. */
const VERSION_BYTES_MAX = 64;

/**
 * PyTorch checkpoints: torch.save's zip archive (`<name>/data.pkl` + `<name>/data/<key>`)
 * and the legacy pickle stream. Sniff: a zip whose first member is `<name>/data.pkl` (torch writes
 * it first), or any zip named like a checkpoint; or the legacy magic-number pickle.
 */
export const pytorchReader: FormatReader = {
  id: 'pytorch',
  files: PYTORCH_FILES,
  sniff(head, path) {
    if (isLegacyTorch(head)) return true;
    if (!isZip(head)) return false;
    const first = firstMemberName(head) ?? '';
    return /(^|\/)data\.pkl$/.test(first) || ((isClaimedBy(PYTORCH_FILES, path) || TORCH_SNIFF_ONLY_NAMES.test(path)) && !first.endsWith('.npy'));
  },
  async open(ctx: OpenContext): Promise<Model> {
    const file = ctx.paths[0]!;
    const source = await ctx.openSource(file);
    // Inflated members hold zlib streams; stored ones are windows of `source`, which the registry closes.
    const members: ByteSource[] = [];
    const close = async () => {
      await Promise.all(members.splice(0).map((m) => m.close()));
    };
    try {
      const head = await source.read(0, Math.min(source.size, SNIFF_HEAD_BYTES), FORMAT);
      const contents = isLegacyTorch(head) ? await openLegacyTorch(source) : await openZipTorch(source, members);
      return { file, format: 'pytorch', metadata: contents.metadata, tensors: contents.tensors, sizeOnDisk: source.size, close };
    } catch (e) {
      await close();
      throw e;
    }
  },
};

async function openZipTorch(source: ByteSource, members: ByteSource[]): Promise<TorchContents> {
  const archive = await ZipArchive.open(source, FORMAT);
  const prefix = archivePrefix(archive);
  const pickleEntry = archive.get(`${prefix}data.pkl`)!;
  const littleEndian = await readByteOrder(archive, `${prefix}byteorder`, members);
  const version = await readSmallRecord(archive, `${prefix}version`, VERSION_BYTES_MAX, members);
  const value = await readDataPickle(archive, pickleEntry, members);
  const located = new Map<string, Promise<StorageBytes>>();
  const locate = (storage: TorchStorage) => {
    let found = located.get(storage.key);
    if (!found) {
      found = locateRecord(archive, `${prefix}data/${storage.key}`, littleEndian, members);
      located.set(storage.key, found);
    }
    return found;
  };
  const contents = await torchContents(value, locate, source.name);
  const metadata: Record<string, unknown> = { container: 'zip', archive: prefix.slice(0, -1), byteorder: littleEndian ? 'little' : 'big' };
  if (version !== undefined) metadata.version = version.trim();
  return { tensors: contents.tensors, metadata: { ...metadata, ...contents.metadata } };
}

/**
 * caffe2/serialize/inline_container.cc: the archive's records live under one folder, named
 * after the first member; data.pkl must be in it.
 */
function archivePrefix(archive: ZipArchive): string {
  const first = archive.entries[0]?.name ?? '';
  const slash = first.indexOf('/');
  const prefix = slash >= 0 ? first.slice(0, slash + 1) : '';
  if (archive.get(`${prefix}data.pkl`)) return prefix;
  throw new FormatError(FORMAT, `zip archive has no ${prefix}data.pkl: not a torch.save checkpoint`);
}

async function locateRecord(archive: ZipArchive, name: string, littleEndian: boolean, members: ByteSource[]): Promise<StorageBytes> {
  const entry = archive.get(name);
  if (!entry) throw new FormatError(FORMAT, `storage record ${name} is missing from the archive`);
  const source = await archive.openMember(entry);
  members.push(source);
  return { source, offset: 0, byteLength: source.size, littleEndian };
}

/** A member whose declared size is within `limit`, kept in `members` to be closed with the model. */
async function openWithin(archive: ZipArchive, entry: ZipEntry, limit: number, members: ByteSource[]): Promise<ByteSource> {
  if (entry.uncompressedSize > limit) {
    throw new FormatError(FORMAT, `${entry.name} is ${entry.uncompressedSize} bytes, more than the limit of ${limit}`, entry.localHeaderOffset);
  }
  const member = await archive.openMember(entry);
  members.push(member);
  return member;
}

/** data.pkl, read in growing windows: a member declaring 256 MiB costs what its pickle really holds. */
async function readDataPickle(archive: ZipArchive, entry: ZipEntry, members: ByteSource[]): Promise<PickleValue> {
  const member = await openWithin(archive, entry, MAX_PICKLE_BYTES, members);
  // Error offsets point into the file when data.pkl is stored (torch never compresses it).
  const stored = entry.method === METHOD_STORED;
  const baseOffset = stored ? await archive.dataOffset(entry) : 0;
  const options = {
    format: FORMAT,
    baseOffset,
    resolveGlobal: torchResolver(),
    persistentLoad: (pid: PickleValue) => {
      const { type, key, numel } = parseStoragePid(pid);
      return new TorchStorage(key, type, numel);
    },
  };
  // Offsets inside a deflated member are not file offsets: blame its local header, and say where in the member.
  const blame = (e: unknown) => {
    if (stored || !(e instanceof FormatError)) return e;
    const where = e.offset === undefined ? '' : ` (at byte ${e.offset} of the inflated ${entry.name})`;
    return new FormatError(e.format, `${e.message}${where}`, entry.localHeaderOffset);
  };
  return parseGrowing(member, (bytes) => unpickle(bytes, options).value, blame);
}

/** A short text record (byteorder, version), read whole: its declared size is checked against `limit` first. */
async function readSmallRecord(archive: ZipArchive, name: string, limit: number, members: ByteSource[]): Promise<string | undefined> {
  const entry = archive.get(name);
  if (!entry) return undefined;
  const member = await openWithin(archive, entry, limit, members);
  return new TextDecoder('utf-8').decode(await member.read(0, member.size, FORMAT));
}

/** True for little-endian storages. */
async function readByteOrder(archive: ZipArchive, name: string, members: ByteSource[]): Promise<boolean> {
  const text = (await readSmallRecord(archive, name, BYTEORDER_BYTES_MAX, members)) ?? 'little';
  if (text !== 'little' && text !== 'big') throw new FormatError(FORMAT, `byteorder record says '${text.slice(0, 16)}', not 'little' or 'big'`);
  return text === 'little';
}
