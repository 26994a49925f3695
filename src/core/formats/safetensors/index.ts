import * as path from 'node:path';
import { FormatError } from '../../errors';
import { contiguousData } from '../../dtypes/contiguous';
import type { Model, TensorEntry } from '../../tensor';
import type { FormatReader } from '../reader';
import { SAFETENSORS_FILES } from './files';
import { HEADER_LENGTH_BYTES, MAX_HEADER_BYTES, parseHeader } from './header';

const FORMAT = 'safetensors';
/** Smallest header: `{}`. */
const MIN_HEADER_BYTES = 2;
const OPEN_BRACE = 0x7b;

/** One .safetensors file; shards and index files are joined by the registry. */
export const safetensorsReader: FormatReader = {
  id: 'safetensors',
  files: SAFETENSORS_FILES,

  sniff(head) {
    if (head.length <= HEADER_LENGTH_BYTES) return false;
    const n = new DataView(head.buffer, head.byteOffset, head.byteLength).getBigUint64(0, true);
    return n >= MIN_HEADER_BYTES && n <= MAX_HEADER_BYTES && head[HEADER_LENGTH_BYTES] === OPEN_BRACE;
  },

  async open(ctx) {
    const file = ctx.paths[0];
    if (file === undefined) throw new FormatError(FORMAT, 'no file given');
    const source = await ctx.openSource(file);
    if (source.size < HEADER_LENGTH_BYTES) {
      throw new FormatError(FORMAT, `file of ${source.size} bytes is shorter than the ${HEADER_LENGTH_BYTES}-byte header length`, 0);
    }
    const lengthBytes = await source.read(0, HEADER_LENGTH_BYTES, FORMAT);
    const n = new DataView(lengthBytes.buffer, lengthBytes.byteOffset, HEADER_LENGTH_BYTES).getBigUint64(0, true);
    if (n > BigInt(MAX_HEADER_BYTES)) throw new FormatError(FORMAT, `header length ${n} exceeds the limit of ${MAX_HEADER_BYTES} bytes`, 0);
    const headerBytes = Number(n);
    if (HEADER_LENGTH_BYTES + headerBytes > source.size) {
      throw new FormatError(FORMAT, `header length ${headerBytes} runs past the end of the ${source.size}-byte file (truncated?)`, 0);
    }
    const json = await source.read(HEADER_LENGTH_BYTES, headerBytes, FORMAT);
    if (json[0] !== OPEN_BRACE) throw new FormatError(FORMAT, 'header does not start with {', HEADER_LENGTH_BYTES);
    const dataStart = HEADER_LENGTH_BYTES + headerBytes;
    const { metadata, entries } = parseHeader(json, source.size - dataStart);
    const name = path.basename(file);
    const tensors: TensorEntry[] = entries.map((e) => ({
      name: e.name,
      dtype: e.dtype,
      shape: e.shape,
      numel: e.numel,
      byteLength: e.end - e.begin,
      source: name,
      data: contiguousData({ source, format: FORMAT, offset: dataStart + e.begin, dtype: e.dtype, numel: e.numel }),
    }));
    const model: Model = { file, format: 'safetensors', metadata, tensors, sizeOnDisk: source.size, close: async () => undefined };
    return model;
  },
};
