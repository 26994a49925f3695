import { Cursor } from '../../io/cursor';
import { bytesForType, storageBlock, type DType } from '../../../shared/vocab/dtypes';
import { MetadataReader, type MetadataValue } from './metadata';
import { ggufTensorType } from './types';

export const FORMAT = 'gguf';
/** "GGUF" as the first four bytes. // docs/gguf.md: GGUF_MAGIC */
export const GGUF_MAGIC = [0x47, 0x47, 0x55, 0x46] as const;
/** Versions with u64 counts and lengths; v3 only adds big-endian files. // docs/gguf.md */
const SUPPORTED_VERSIONS = [2, 3];
/** Alignment of the data section and of every tensor offset when general.alignment is absent. // docs/gguf.md */
export const GGUF_DEFAULT_ALIGNMENT = 32;
/** At most 4 dimensions. // ggml.h: GGML_MAX_DIMS */
export const GGML_MAX_DIMS = 4;
/** Tensor names are at most 64 bytes. // docs/gguf.md: gguf_tensor_info_t.name */
export const MAX_TENSOR_NAME_BYTES = 64;
/** Keys are at most 65535 bytes. // docs/gguf.md: gguf_metadata_kv_t.key */
export const MAX_KEY_BYTES = 65535;
/** Largest MoE checkpoints hold tens of thousands of tensors; a million is a corrupt count. */
export const MAX_TENSORS = 1 << 20;
/** Real files carry tens of keys; more than this is a corrupt count. */
export const MAX_KV = 1 << 16;
/** Smallest encodings: a kv is key length + empty key + type + 1-byte value; a tensor info is name length + n_dims + type + offset. */
const MIN_KV_BYTES = 8 + 4 + 1;
const MIN_TENSOR_INFO_BYTES = 8 + 4 + 4 + 8;

export interface GgufTensorInfo {
  readonly name: string;
  readonly dtype: DType;
  /** ne[], innermost first, as the file lists it. */
  readonly ne: readonly number[];
  readonly numel: number;
  /** Offset relative to the data section. */
  readonly offset: number;
  readonly byteLength: number;
  /** Where the info starts in the file, for errors about it. */
  readonly infoAt: number;
}

export interface GgufHeader {
  readonly version: number;
  readonly kvCount: number;
  readonly metadata: Record<string, MetadataValue>;
  readonly tensors: readonly GgufTensorInfo[];
  readonly alignment: number;
  readonly dataStart: number;
}

/** Thrown (and caught) when the header runs past the bytes read so far but not past the file. */
export class NeedMoreBytes {
  readonly kind = 'need-more-bytes';
}

/** A cursor over a prefix of the file: running out of prefix asks for more; running out of file is a FormatError. */
export class PrefixCursor extends Cursor {
  constructor(bytes: Uint8Array, private readonly fileSize: number) {
    super(bytes, FORMAT);
  }

  override need(n: number, what: string): void {
    if (Number.isSafeInteger(n) && n >= 0 && n > this.remaining && this.bytes.length < this.fileSize && this.pos + n <= this.fileSize) {
      throw new NeedMoreBytes();
    }
    super.need(n, what);
  }

  get fileRemaining(): number {
    return this.fileSize - this.pos;
  }
}

/** Parses magic, version, metadata and tensor infos from a prefix of the file. */
export function parseGgufHeader(c: PrefixCursor): GgufHeader {
  const magic = c.bytesOf(4, 'magic');
  if (!GGUF_MAGIC.every((b, i) => magic[i] === b)) c.fail('not a GGUF file (magic is not "GGUF")', 0);
  const version = c.u32('version');
  checkVersion(c, version);
  const tensorCount = c.u64('tensor_count');
  const kvCount = c.u64('metadata_kv_count');
  if (tensorCount > MAX_TENSORS || tensorCount * MIN_TENSOR_INFO_BYTES > c.fileRemaining) {
    c.fail(`tensor_count ${tensorCount} is absurd for a ${c.fileRemaining + c.pos}-byte file (limit ${MAX_TENSORS})`, 8);
  }
  if (kvCount > MAX_KV || kvCount * MIN_KV_BYTES > c.fileRemaining) {
    c.fail(`metadata_kv_count ${kvCount} is absurd for a ${c.fileRemaining + c.pos}-byte file (limit ${MAX_KV})`, 16);
  }
  const values = new MetadataReader(c, () => c.fileRemaining);
  // No prototype: a key named __proto__ from a stranger's file stays a plain entry.
  const metadata = Object.create(null) as Record<string, MetadataValue>;
  let alignment = GGUF_DEFAULT_ALIGNMENT;
  for (let i = 0; i < kvCount; i++) {
    const at = c.fileOffset;
    const key = values.string(`key of metadata entry ${i}`, MAX_KEY_BYTES, true);
    if (Object.prototype.hasOwnProperty.call(metadata, key)) c.fail(`duplicate metadata key '${key}'`, at);
    const type = values.valueType(`type of '${key}'`);
    const value = values.value(type, `'${key}'`);
    if (key === 'general.alignment') alignment = checkAlignment(c, type, value, at);
    metadata[key] = value;
  }
  const tensors: GgufTensorInfo[] = [];
  const names = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    const info = readTensorInfo(c, values, i, alignment);
    if (names.has(info.name)) c.fail(`duplicate tensor name '${info.name}'`, info.infoAt);
    names.add(info.name);
    tensors.push(info);
  }
  const dataStart = alignUp(c.pos, alignment);
  return { version, kvCount, metadata, tensors, alignment, dataStart };
}

function checkVersion(c: Cursor, version: number): void {
  if (SUPPORTED_VERSIONS.includes(version)) return;
  const swapped = ((version & 0xff) << 24 | (version & 0xff00) << 8 | (version >>> 8) & 0xff00 | version >>> 24) >>> 0;
  if (SUPPORTED_VERSIONS.includes(swapped)) c.fail(`big-endian GGUF (version ${swapped}) is not supported`, 4);
  if (version === 1) c.fail('GGUF version 1 (32-bit counts) is not supported: re-convert the model with a current llama.cpp', 4);
  c.fail(`unsupported GGUF version ${version} (QuantLens reads versions 2 and 3)`, 4);
}

function checkAlignment(c: Cursor, type: string, value: MetadataValue, at: number): number {
  if (type !== 'UINT32' || typeof value !== 'number') c.fail(`general.alignment must be a UINT32, not ${type}`, at);
  if (value === 0 || (value & (value - 1)) !== 0) c.fail(`general.alignment ${value} is not a power of two`, at);
  return value;
}

function readTensorInfo(c: PrefixCursor, values: MetadataReader, i: number, alignment: number): GgufTensorInfo {
  const infoAt = c.fileOffset;
  const name = values.string(`name of tensor ${i}`, MAX_TENSOR_NAME_BYTES, true);
  const nDimsAt = c.fileOffset;
  const nDims = c.u32(`n_dims of '${name}'`);
  if (nDims > GGML_MAX_DIMS) c.fail(`tensor '${name}' has ${nDims} dimensions (GGUF allows at most ${GGML_MAX_DIMS})`, nDimsAt);
  const ne: number[] = [];
  let numel = 1;
  for (let d = 0; d < nDims; d++) {
    const n = c.u64(`ne[${d}] of '${name}'`);
    ne.push(n);
    numel *= n;
  }
  if (!Number.isSafeInteger(numel)) c.fail(`tensor '${name}' has ${numel} elements, beyond 2^53`, nDimsAt);
  const typeAt = c.fileOffset;
  const typeId = c.u32(`type of '${name}'`);
  const type = ggufTensorType(typeId);
  if ('error' in type) c.fail(`tensor '${name}': ${type.error}`, typeAt);
  const offsetAt = c.fileOffset;
  const offset = c.u64(`offset of '${name}'`);
  if (offset % alignment !== 0) c.fail(`tensor '${name}' offset ${offset} is not a multiple of the alignment ${alignment}`, offsetAt);
  const byteLength = tensorBytes(c, name, type.dtype, ne, numel, typeAt);
  return { name, dtype: type.dtype, ne, numel, offset, byteLength, infoAt };
}

/** Payload bytes: rows of ne[0] values are whole blocks for block types. // ggml.c: ggml_nbytes */
function tensorBytes(c: Cursor, name: string, dtype: DType, ne: readonly number[], numel: number, at: number): number {
  const { blockSize } = storageBlock(dtype);
  const row = ne[0] ?? 1;
  if (row % blockSize !== 0) c.fail(`tensor '${name}': ne[0] = ${row} is not a multiple of the ${dtype} block size ${blockSize}`, at);
  const bytes = bytesForType(dtype, numel);
  if (!Number.isSafeInteger(bytes)) c.fail(`tensor '${name}' needs ${bytes} bytes, beyond 2^53`, at);
  return bytes;
}

export function alignUp(offset: number, alignment: number): number {
  return offset + ((alignment - (offset % alignment)) % alignment);
}
