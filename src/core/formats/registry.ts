import * as path from 'node:path';
import { FormatError, inFile, UsageError } from '../errors';
import type { Model, TensorEntry } from '../tensor';
import { expandPaths } from './folders';
import { onnxReader } from './onnx';
import { numpyReader } from './numpy';
import { pytorchReader } from './pytorch';
import { FileByteSource, type ByteSource } from '../io/byteSource';
import { SNIFF_BYTES, type FormatReader, type OpenContext } from './reader';
import { ggufReader } from './gguf';
import { safetensorsReader } from './safetensors';
import { isShardIndexPath, readShardIndex } from './shardIndex';
import { SourcePool } from './sourcePool';
import { tfjsReader } from './tfjs';

/** Every reader, tried in order; the first whose sniff accepts a file opens it. */
export const READERS: readonly FormatReader[] = [safetensorsReader, tfjsReader, ggufReader, onnxReader, pytorchReader, numpyReader];

/** Where a model's files come from: the disk, or (only the fuzz harness, which keeps its inputs in memory) a set of named byte arrays. */
export interface ModelFiles {
  /** The paths the user named, folders replaced by the files they stand for. */
  expand(paths: readonly string[]): Promise<string[]>;
  open(file: string): Promise<ByteSource>;
}

const DISK: ModelFiles = { expand: expandPaths, open: (file) => FileByteSource.open(file) };

/**
 * Opens one model from one or more paths: a file, several shards, a shard index
 * (`*.index.json`) or a folder. Each file is opened by the reader that sniffs it, and the
 * files of a multi-file model are joined; every FormatError names the file it is about.
 */
export async function openModel(paths: readonly string[], from: ModelFiles = DISK): Promise<Model> {
  if (paths.length === 0) throw new UsageError('no file given');
  const files = await from.expand(paths);
  const pool = new SourcePool((file) => from.open(file));
  try {
    const model = await openFiles(files, pool);
    const file = paths.length === 1 ? paths[0]! : model.file;
    return { ...model, file, close: async () => { await model.close(); await pool.closeAll(); } };
  } catch (e) {
    await pool.closeAll();
    throw e;
  }
}

async function openFiles(files: readonly string[], pool: SourcePool): Promise<Model> {
  if (files.some(isShardIndexPath)) {
    if (files.length > 1) throw new UsageError('a shard index (*.index.json) opens its shards itself: give it alone');
    return openShardIndex(files[0]!, pool);
  }
  const models: Model[] = [];
  for (const file of files) models.push(await openOne(await sniffFile(file, pool), file, pool));
  return joinModels(models, files);
}

async function sniffFile(file: string, pool: SourcePool): Promise<FormatReader> {
  const source = await pool.open(file);
  if (source.size === 0) throw new FormatError('file', 'empty file (0 bytes)', 0, file);
  const head = await source.read(0, Math.min(SNIFF_BYTES, source.size), 'file');
  const reader = READERS.find((r) => r.sniff(head, file));
  if (!reader) throw new FormatError('file', `unrecognised format (QuantLens reads ${READERS.map((r) => r.id).join(', ')})`, 0, file);
  return reader;
}

async function openOne(reader: FormatReader, file: string, pool: SourcePool): Promise<Model> {
  const ctx: OpenContext = { paths: [file], openSource: (p) => pool.open(p) };
  let model: Model;
  try {
    model = await reader.open(ctx);
  } catch (e) {
    throw inFile(e, file);
  }
  return { ...model, tensors: model.tensors.map((t) => blameFile(t, file)) };
}

/** Payload read errors surface long after open; they still name the file. */
function blameFile(tensor: TensorEntry, file: string): TensorEntry {
  const data = tensor.data;
  return {
    ...tensor,
    data: {
      blockSize: data.blockSize,
      read: (start, count) => data.read(start, count).catch((e: unknown) => { throw inFile(e, file); }),
      ...(data.readFloat32Into
        ? { readFloat32Into: (start: number, count: number, out: Float32Array) => data.readFloat32Into!(start, count, out).catch((e: unknown) => { throw inFile(e, file); }) }
        : {}),
      ...(data.readStoredInto
        ? { readStoredInto: (start: number, count: number, out: Uint8Array) => data.readStoredInto!(start, count, out).catch((e: unknown) => { throw inFile(e, file); }) }
        : {}),
    },
  };
}

/** Shards of one model: one format, distinct tensor names, listed shard by shard. */
function joinModels(models: readonly Model[], files: readonly string[]): Model {
  const first = models[0];
  if (!first) throw new UsageError('no file given');
  if (models.length === 1) return first;
  const mixed = models.find((m) => m.format !== first.format);
  if (mixed) {
    throw new UsageError(`files of different formats are not one model: ${first.file} is ${first.format}, ${mixed.file} is ${mixed.format}; name one`);
  }
  const owner = new Map<string, string>();
  const tensors: TensorEntry[] = [];
  models.forEach((m, i) => {
    for (const t of m.tensors) {
      const other = owner.get(t.name);
      if (other !== undefined) {
        throw new FormatError(m.format, `tensor '${t.name}' is in both ${path.basename(other)} and ${path.basename(files[i]!)}`, undefined, files[i]);
      }
      owner.set(t.name, files[i]!);
      tensors.push(t);
    }
  });
  return {
    file: first.file,
    format: first.format,
    metadata: first.metadata,
    tensors,
    sizeOnDisk: models.reduce((sum, m) => sum + m.sizeOnDisk, 0),
    close: async () => { await Promise.all(models.map((m) => m.close())); },
  };
}

async function openShardIndex(indexPath: string, pool: SourcePool): Promise<Model> {
  const source = await pool.open(indexPath);
  let index;
  try {
    index = await readShardIndex(source, indexPath);
  } catch (e) {
    throw inFile(e, indexPath);
  }
  const models: Model[] = [];
  for (const shard of index.shards) models.push(await openOne(await sniffFile(shard, pool), shard, pool));
  const holds = new Map(index.shards.map((s, i) => [s, new Set(models[i]!.tensors.map((t) => t.name))]));
  for (const [tensor, shard] of index.weightMap) {
    if (!holds.get(shard)?.has(tensor)) {
      throw new FormatError('index', `weight_map puts '${tensor}' in ${path.basename(shard)}, which holds no such tensor`, undefined, indexPath);
    }
  }
  const joined = joinModels(models, index.shards);
  return { ...joined, file: indexPath, metadata: { ...joined.metadata, ...index.metadata }, sizeOnDisk: joined.sizeOnDisk + source.size };
}
