import * as path from 'node:path';
import { FormatError } from '../../errors';
import { contiguousData } from '../../dtypes/contiguous';
import { MAX_READ_BYTES, type ByteSource } from '../../io/byteSource';
import type { Model, TensorEntry } from '../../tensor';
import type { FormatReader } from '../reader';
import { GGUF_FILES } from './files';
import { FORMAT, GGUF_MAGIC, NeedMoreBytes, parseGgufHeader, PrefixCursor, type GgufHeader, type GgufTensorInfo } from './header';

/** First read of the header; vocabularies make headers of several MB, so it grows by HEADER_GROWTH. */
const FIRST_HEADER_READ = 1024 * 1024;
const HEADER_GROWTH = 8;
/** Largest header read: one bounded read (the biggest vocabularies are tens of MB). */
export const MAX_GGUF_HEADER_BYTES = MAX_READ_BYTES;

/** One .gguf file (v2, v3, little-endian); split models are joined by the registry. */
export const ggufReader: FormatReader = {
  id: 'gguf',
  files: GGUF_FILES,

  sniff(head) {
    return GGUF_MAGIC.every((b, i) => head[i] === b);
  },

  async open(ctx) {
    const file = ctx.paths[0];
    if (file === undefined) throw new FormatError(FORMAT, 'no file given');
    const source = await ctx.openSource(file);
    const header = await readHeader(source);
    const name = path.basename(file);
    checkPayloads(header, source.size);
    const tensors: TensorEntry[] = header.tensors.map((t) => ({
      name: t.name,
      dtype: t.dtype,
      shape: [...t.ne].reverse(),
      numel: t.numel,
      byteLength: t.byteLength,
      source: name,
      data: contiguousData({ source, format: FORMAT, offset: header.dataStart + t.offset, dtype: t.dtype, numel: t.numel }),
    }));
    const metadata = {
      'GGUF.version': header.version,
      'GGUF.tensor_count': header.tensors.length,
      'GGUF.kv_count': header.kvCount,
      ...header.metadata,
    };
    const model: Model = { file, format: 'gguf', metadata, tensors, sizeOnDisk: source.size, close: async () => undefined };
    return model;
  },
};

/** Parses the header from a growing prefix of the file, so small headers cost one small read. */
async function readHeader(source: ByteSource): Promise<GgufHeader> {
  let length = Math.min(source.size, FIRST_HEADER_READ);
  for (;;) {
    const prefix = await source.read(0, length, FORMAT);
    try {
      return parseGgufHeader(new PrefixCursor(prefix, source.size));
    } catch (e) {
      if (!(e instanceof NeedMoreBytes)) throw e;
    }
    if (length >= MAX_GGUF_HEADER_BYTES) {
      throw new FormatError(FORMAT, `header is larger than ${MAX_GGUF_HEADER_BYTES} bytes`, 0);
    }
    length = Math.min(source.size, length * HEADER_GROWTH, MAX_GGUF_HEADER_BYTES);
  }
}

/** Every payload lies inside the file, and no two overlap. */
function checkPayloads(header: GgufHeader, fileSize: number): void {
  const sorted = [...header.tensors].sort((a, b) => a.offset - b.offset);
  let previous: GgufTensorInfo | undefined;
  for (const t of sorted) {
    const start = header.dataStart + t.offset;
    if (start + t.byteLength > fileSize) {
      throw new FormatError(FORMAT, `tensor '${t.name}' needs bytes ${start}..${start + t.byteLength} but the file has ${fileSize} (truncated?)`, t.infoAt);
    }
    if (previous && t.byteLength > 0 && previous.offset + previous.byteLength > t.offset) {
      throw new FormatError(FORMAT, `tensors '${previous.name}' and '${t.name}' overlap in the data section`, t.infoAt);
    }
    if (t.byteLength > 0) previous = t;
  }
}
