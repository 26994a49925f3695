/**
 * A checkpoint as the float tensors it stands for: each quantized storage group (GPTQ's qweight +
 * qzeros + scales, an ONNX DequantizeLinear's inputs, ...) becomes one F32 tensor named as its
 * logical tensor, decoded when read (a span of rows at a time where the storage allows); the other
 * tensors stay as they are.
 */
import { promises as fs } from 'node:fs';
import { FormatError } from '../errors';
import { decodeModel } from '../onnxproto/codec';
import { product, type Model, type TensorData, type TensorEntry } from '../tensor';
import { decodeStoredGroup, decodeStoredRows, decodesRows, findStoredGroups } from './index';
import { memberSource } from './memberSource';
import { rowCount, rowValues } from './members';
import { onnxStorageView } from './onnxGraph';
import type { CheckpointSummary, MemberSource, ReadMember, StorageId, StorageProblem, StoredGroup } from './storage';

export interface DecodedModel {
  /** The same model with every group replaced by its logical tensor. */
  readonly model: Model;
  /** Storage of each logical tensor that was decoded from a group. */
  readonly storages: ReadonlyMap<string, StorageId>;
  /** Groups that could not be decoded (their members stay as plain tensors). */
  readonly problems: readonly StorageProblem[];
}

/** Reads a whole file: the disk's, or (only the fuzz harness) one held in memory. */
export type ReadWholeFile = (file: string) => Promise<Uint8Array>;

/**
 * Values one read of a decoded group covers at most, in whole rows: 4 M (16 MB of float32) plus the
 * parts of the members they come from (GPTQ / AWQ keep a column slab of at most 64 MB: memberSource.ts),
 * where a whole tensor can be 940 MB (a 70B's 8192 x 28672); big enough that what every span reads
 * whole (g_idx, the quantization map) stays a small part of it.
 */
export const ROW_BLOCK_VALUES = 1 << 22;

/** What the storages look at: the tensor listing and whole-member reads; ONNX also its graph, from the file's bytes. */
async function storageView(model: Model, readFile: ReadWholeFile): Promise<{ summary: CheckpointSummary; read: ReadMember; source: MemberSource }> {
  if (model.format === 'onnx') {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(model.file);
    } catch (e) {
      throw new FormatError('onnx', `cannot read the graph: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, undefined, model.file);
    }
    const { summary, read } = onnxStorageView(decodeModel(bytes));
    const numelOf = new Map(summary.tensors.map((t) => [t.name, product(t.shape)]));
    // The initializers are in memory with the graph: a range is a view of the whole member.
    return { summary, read, source: memberSource((name) => numelOf.get(name), async (name, start, count) => (await read(name)).subarray(start, start + count)) };
  }
  const byName = new Map(model.tensors.map((t) => [t.name, t]));
  const tensor = (name: string): TensorEntry => {
    const t = byName.get(name);
    if (!t) throw new FormatError(model.format, `no tensor '${name}'`, undefined, model.file);
    return t;
  };
  return {
    summary: { tensors: model.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })) },
    read: async (name) => tensor(name).data.read(0, tensor(name).numel),
    source: memberSource((name) => byName.get(name)?.numel, async (name, start, count) => tensor(name).data.read(start, count)),
  };
}

/**
 * Rows of one block: a power of two, so block edges mostly fall where fused tensors split into their parts
 * (q / k / v, gate / up: multiples of the head size) and a part's slice reads no extra block (rowSlice,
 * compare/fused.ts, reads from a block's start otherwise); at most ROW_BLOCK_VALUES values (one row when longer).
 */
export function blockRows(rowLength: number): number {
  let rows = 1;
  while (rows * 2 * rowLength <= ROW_BLOCK_VALUES) rows *= 2;
  return rows;
}

/** Reads of a group whose storage decodes rows: blocks of blockRows whole rows (the whole group when smaller), each from its members' parts. */
function rowData(group: StoredGroup, source: MemberSource): TensorData {
  const cols = rowValues(group.shape);
  const rows = Math.min(rowCount(group.shape), blockRows(cols));
  return {
    blockSize: Math.max(1, rows * cols),
    read: async (start, count) => {
      if (count === 0) return new Float32Array(0);
      const first = Math.floor(start / cols);
      const values = await decodeStoredRows(group, source, { first, end: Math.ceil((start + count) / cols) });
      const offset = start - first * cols;
      return offset === 0 && count === values.length ? values : values.subarray(offset, offset + count);
    },
  };
}

/** Reads of a group whose storage decodes whole (blockSize = numel): reads take it in one piece. */
function wholeData(group: StoredGroup, read: ReadMember, numel: number): TensorData {
  return {
    blockSize: Math.max(1, numel),
    read: async (start, count) => {
      const all = await decodeStoredGroup(group, read);
      return start === 0 && count === all.length ? all : all.slice(start, start + count);
    },
  };
}

/** A group as one F32 tensor. */
function groupEntry(group: StoredGroup, view: { read: ReadMember; source: MemberSource }, source: string, byteLength: number): TensorEntry {
  const numel = product(group.shape);
  return {
    name: group.logical,
    dtype: 'F32',
    shape: group.shape,
    numel,
    byteLength,
    source,
    data: decodesRows(group) ? rowData(group, view.source) : wholeData(group, view.read, numel),
  };
}

/** The model with its quantized storages decoded; a model without any is returned as it is. */
export async function decodeStorages(model: Model, readFile: ReadWholeFile = (file) => fs.readFile(file)): Promise<DecodedModel> {
  const view = await storageView(model, readFile);
  const { groups, problems } = await findStoredGroups(view.summary, view.read);
  if (groups.length === 0) return { model, storages: new Map(), problems };
  const members = new Set(groups.flatMap((g) => Object.values(g.members)));
  const bytesOf = new Map(model.tensors.map((t) => [t.name, t.byteLength]));
  const source = model.tensors[0]?.source ?? model.file;
  const decoded = groups.map((g) => groupEntry(g, view, source, Object.values(g.members).reduce((s, m) => s + (bytesOf.get(m) ?? 0), 0)));
  const tensors = [...model.tensors.filter((t) => !members.has(t.name)), ...decoded];
  return {
    model: { ...model, tensors, close: () => model.close() },
    storages: new Map(groups.map((g) => [g.logical, g.storage])),
    problems,
  };
}
