import * as path from 'node:path';
import { contiguousData } from '../../dtypes/contiguous';
import { PLAIN_DTYPES } from '../../../shared/vocab/dtypes';
import { fortranStrides, isRowMajor, stridedData } from '../../dtypes/strided';
import { FormatError } from '../../errors';
import type { ByteSource } from '../../io/byteSource';
import { firstMemberName, isZip, METHOD_DEFLATED, ZipArchive } from '../../io/zip';
import { product, type Model, type TensorEntry } from '../../tensor';
import { isNpy, NUMPY_FORMAT, readNpyHeader, type NpyHeader } from './npyHeader';
import { isClaimedBy } from '../fileClaim';
import type { FormatReader, OpenContext } from '../reader';
import { NPZ_FILES, NUMPY_FILES } from './files';

const NPY_SUFFIX = '.npy';

/**
 * NumPy `.npy` arrays and `.npz` archives of them (np.savez stored, np.savez_compressed
 * deflated). Sniff: the `\x93NUMPY` magic, or a zip whose first member is a `.npy` or
 * whose name ends in `.npz`.
 */
export const numpyReader: FormatReader = {
  id: 'numpy',
  files: NUMPY_FILES,
  sniff(head, file) {
    if (isNpy(head)) return true;
    return isZip(head) && (isClaimedBy(NPZ_FILES, file) || (firstMemberName(head) ?? '').endsWith(NPY_SUFFIX));
  },
  async open(ctx: OpenContext): Promise<Model> {
    const file = ctx.paths[0]!;
    const source = await ctx.openSource(file);
    const members: ByteSource[] = [];
    const close = async () => {
      await Promise.all(members.splice(0).map((m) => m.close()));
    };
    try {
      const head = await source.read(0, Math.min(source.size, 8), NUMPY_FORMAT);
      if (isNpy(head)) {
        const stem = path.basename(file).replace(/\.npy$/i, '') || 'array';
        const { tensor, header } = await npyTensor(source, path.basename(file), file, stem);
        const metadata = { container: 'npy', version: header.version, descr: header.descr, fortranOrder: header.fortranOrder };
        return { file, format: 'numpy', metadata, tensors: [tensor], sizeOnDisk: source.size, close };
      }
      if (!isZip(head)) throw new FormatError(NUMPY_FORMAT, 'neither a .npy file (\\x93NUMPY magic) nor a .npz archive (zip)', 0);
      const { tensors, metadata } = await openNpz(source, file, members);
      return { file, format: 'numpy', metadata, tensors, sizeOnDisk: source.size, close };
    } catch (e) {
      await close();
      throw e;
    }
  },
};

/** numpy/lib/npyio.py NpzFile: every `<name>.npy` member is the array `<name>`; other members are not arrays. */
async function openNpz(source: ByteSource, file: string, members: ByteSource[]): Promise<{ tensors: TensorEntry[]; metadata: Record<string, unknown> }> {
  const archive = await ZipArchive.open(source, NUMPY_FORMAT);
  const tensors: TensorEntry[] = [];
  const other: string[] = [];
  let compressed = false;
  for (const entry of archive.entries) {
    if (!entry.name.endsWith(NPY_SUFFIX)) {
      other.push(entry.name);
      continue;
    }
    const member = await archive.openMember(entry);
    members.push(member);
    compressed ||= entry.method === METHOD_DEFLATED;
    const name = entry.name.slice(0, -NPY_SUFFIX.length);
    tensors.push((await atMember(npyTensor(member, entry.name, file, name), entry.localHeaderOffset)).tensor);
  }
  const metadata: Record<string, unknown> = { container: 'npz', compressed };
  if (other.length > 0) metadata.otherMembers = other;
  return { tensors, metadata };
}

/** Header errors carry offsets inside the member; in the file they are at the member's local header. */
async function atMember<T>(pending: Promise<T>, memberOffset: number): Promise<T> {
  try {
    return await pending;
  } catch (e) {
    if (e instanceof FormatError) throw new FormatError(e.format, e.message, memberOffset);
    throw e;
  }
}

/** One array: its header, then a lazy view of its payload (dense, or strided when Fortran-ordered). */
async function npyTensor(source: ByteSource, label: string, file: string, name: string): Promise<{ tensor: TensorEntry; header: NpyHeader }> {
  const header = await readNpyHeader(source, label);
  const { dtype, shape, dataOffset, littleEndian } = header;
  const numel = product(shape);
  const byteLength = numel * PLAIN_DTYPES[dtype].bytes;
  if (dataOffset + byteLength > source.size) {
    throw new FormatError(NUMPY_FORMAT, `${label}: ${numel} ${dtype} elements need ${byteLength} bytes after the header but ${source.size - dataOffset} remain (truncated?)`, dataOffset);
  }
  const layout = { source, format: NUMPY_FORMAT, offset: dataOffset, dtype, littleEndian };
  const strides = header.fortranOrder ? fortranStrides(shape) : undefined;
  const data = strides && !isRowMajor(shape, strides) ? stridedData({ ...layout, shape, strides }) : contiguousData({ ...layout, numel });
  return { tensor: { name, dtype, shape, numel, byteLength, source: file, data }, header };
}
