import * as path from 'node:path';
import { FormatError } from '../../errors';
import { contiguousData } from '../../dtypes/contiguous';
import type { PlainDType } from '../../../shared/vocab/dtypes';
import { ConcatByteSource } from '../../io/concatByteSource';
import type { ByteSource } from '../../io/byteSource';
import type { Model, TensorEntry } from '../../tensor';
import { parseJsonText } from '../jsonText';
import { isClaimedBy } from '../fileClaim';
import type { FormatReader } from '../reader';
import { siblingPath } from '../siblingPath';
import { affineData } from './data';
import { TFJS_FILES, TFJS_MODEL_JSON } from './files';
import { parseManifest, TFJS_DTYPE_BYTES, TFJS_QUANT_BYTES, type TfjsGroup, type TfjsWeightSpec } from './manifest';

const FORMAT = 'tfjs';
/** model.json of graph and layers models carries the graph; 64 MB is far above real ones and bounds a hostile file. */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
/** A string weight is walked length by length to find where the next weight starts; bounds that walk. */
export const MAX_STRING_ELEMENTS = 1_000_000;
/** Each string element starts with its byte length as a little-endian u32. // tfjs-core io_utils NUM_BYTES_STRING_LENGTH */
const STRING_LENGTH_BYTES = 4;

const DECLARED: Record<'float32' | 'int32' | 'bool', PlainDType> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };
const STORED: Record<'uint8' | 'uint16' | 'float16', PlainDType> = { uint8: 'U8', uint16: 'U16', float16: 'F16' };

/** A weight tfjs can hold but QuantLens does not analyse, listed in metadata.skippedWeights. */
interface Skipped {
  readonly name: string;
  readonly dtype: string;
  readonly reason: string;
}

/** TensorFlow.js: a model.json (or *weights_manifest.json) and the binary shards it names. */
export const tfjsReader: FormatReader = {
  id: 'tfjs',
  files: TFJS_FILES,

  sniff(head, file) {
    const name = path.basename(file).toLowerCase();
    if (!name.endsWith('.json')) return false;
    const text = new TextDecoder().decode(head).trimStart();
    if (!text.startsWith('{') && !text.startsWith('[')) return false;
    return name === TFJS_MODEL_JSON || isClaimedBy(TFJS_FILES, name) || text.includes('"weightsManifest"') || text.includes('"modelTopology"');
  },

  async open(ctx) {
    const file = ctx.paths[0];
    if (file === undefined) throw new FormatError(FORMAT, 'no file given');
    const source = await ctx.openSource(file);
    if (source.size > MAX_MANIFEST_BYTES) throw new FormatError(FORMAT, `manifest of ${source.size} bytes exceeds the limit of ${MAX_MANIFEST_BYTES}`, 0);
    const manifest = parseManifest(parseJsonText(await source.read(0, source.size, FORMAT), FORMAT, 'manifest', 0));
    const tensors: TensorEntry[] = [];
    const skipped: Skipped[] = [];
    let sizeOnDisk = source.size;
    for (const [i, group] of manifest.groups.entries()) {
      const shards = await openShards(group, file, i, ctx.openSource);
      sizeOnDisk += shards.reduce((sum, s) => sum + s.source.size, 0);
      await layOutGroup(group, shards, tensors, skipped);
    }
    const metadata = skipped.length > 0 ? { ...manifest.metadata, skippedWeights: skipped } : manifest.metadata;
    const model: Model = { file, format: 'tfjs', metadata, tensors, sizeOnDisk, close: async () => undefined };
    return model;
  },
};

interface Shard {
  readonly name: string;
  readonly source: ByteSource;
}

async function openShards(group: TfjsGroup, manifestPath: string, index: number, open: (p: string) => Promise<ByteSource>): Promise<Shard[]> {
  const shards: Shard[] = [];
  for (const [j, p] of group.paths.entries()) {
    const resolved = siblingPath(manifestPath, p, FORMAT, `weightsManifest[${index}].paths[${j}]`);
    shards.push({ name: path.basename(resolved), source: await open(resolved) });
  }
  return shards;
}

/** Weights of a group follow each other across its shards in order; a weight may span two shards. */
async function layOutGroup(group: TfjsGroup, shards: readonly Shard[], tensors: TensorEntry[], skipped: Skipped[]): Promise<void> {
  const stream = new ConcatByteSource(shards.map((s) => s.name).join('+'), shards.map((s) => s.source));
  let offset = 0;
  for (const spec of group.weights) {
    const byteLength = spec.dtype === 'string' ? await stringBytes(stream, offset, spec) : storedBytes(spec);
    if (offset + byteLength > stream.size) {
      throw new FormatError(FORMAT, `weight '${spec.name}' needs group bytes ${offset}..${offset + byteLength} but its shards hold ${stream.size} (missing or truncated shard?)`);
    }
    if (spec.dtype === 'string' || spec.dtype === 'complex64') {
      skipped.push({ name: spec.name, dtype: spec.dtype, reason: `${spec.dtype} weights hold no real numbers to quantize` });
    } else {
      tensors.push({ ...entryFor(spec, stream, offset), byteLength, source: shardsOf(shards, offset, byteLength) });
    }
    offset += byteLength;
  }
}

function storedBytes(spec: TfjsWeightSpec): number {
  const width = spec.quantization ? TFJS_QUANT_BYTES[spec.quantization.dtype] : TFJS_DTYPE_BYTES[spec.dtype];
  return spec.numel * width;
}

/** Length-prefixed UTF-8 strings: their total size is known only by walking them. // tfjs-core io_utils getWeightBytelength */
async function stringBytes(stream: ByteSource, offset: number, spec: TfjsWeightSpec): Promise<number> {
  if (spec.numel > MAX_STRING_ELEMENTS) throw new FormatError(FORMAT, `string weight '${spec.name}' has ${spec.numel} elements, over the limit of ${MAX_STRING_ELEMENTS}`);
  let length = 0;
  for (let i = 0; i < spec.numel; i++) {
    const prefix = await stream.read(offset + length, STRING_LENGTH_BYTES, FORMAT);
    length += STRING_LENGTH_BYTES + new DataView(prefix.buffer, prefix.byteOffset, STRING_LENGTH_BYTES).getUint32(0, true);
  }
  return length;
}

function entryFor(spec: TfjsWeightSpec, stream: ByteSource, offset: number): Omit<TensorEntry, 'byteLength' | 'source'> {
  const declared = DECLARED[spec.dtype as keyof typeof DECLARED];
  const base = { name: spec.name, dtype: declared, shape: spec.shape, numel: spec.numel };
  const q = spec.quantization;
  if (!q) return { ...base, data: contiguousData({ source: stream, format: FORMAT, offset, dtype: declared, numel: spec.numel }) };
  const stored = contiguousData({ source: stream, format: FORMAT, offset, dtype: STORED[q.dtype], numel: spec.numel });
  if (q.scale === undefined || q.min === undefined) return { ...base, storage: { dtype: STORED[q.dtype] }, data: stored };
  return {
    ...base,
    storage: { dtype: STORED[q.dtype], scale: q.scale, min: q.min },
    data: affineData(stored, q.scale, q.min, spec.dtype === 'int32' ? 'int32' : 'float32'),
  };
}

/** The shard file(s) a byte range of the group lies in. */
function shardsOf(shards: readonly Shard[], offset: number, length: number): string {
  const names: string[] = [];
  let start = 0;
  for (const s of shards) {
    const end = start + s.source.size;
    if (end > offset && start < offset + Math.max(length, 1)) names.push(s.name);
    start = end;
  }
  return names.join('+') || (shards[0]?.name ?? '');
}
