/**
 * A checkpoint as the float tensors it stands for: each quantized storage group (GPTQ's qweight +
 * qzeros + scales, an ONNX DequantizeLinear's inputs, ...) becomes one F32 tensor named as its
 * logical tensor, decoded when read; the other tensors stay as they are.
 */
import { promises as fs } from 'node:fs';
import { FormatError } from '../errors';
import { decodeModel } from '../onnxproto/codec';
import type { Model, TensorEntry } from '../tensor';
import { decodeStoredGroup, findStoredGroups } from './index';
import { onnxStorageView } from './onnxGraph';
import type { CheckpointSummary, ReadMember, StorageId, StorageProblem, StoredGroup } from './storage';

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

/** What the storages look at: the tensor listing and whole-member reads; ONNX also its graph, from the file's bytes. */
async function storageView(model: Model, readFile: ReadWholeFile): Promise<{ summary: CheckpointSummary; read: ReadMember }> {
  if (model.format === 'onnx') {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(model.file);
    } catch (e) {
      throw new FormatError('onnx', `cannot read the graph: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, undefined, model.file);
    }
    return onnxStorageView(decodeModel(bytes));
  }
  const byName = new Map(model.tensors.map((t) => [t.name, t]));
  return {
    summary: { tensors: model.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })) },
    read: async (name) => {
      const t = byName.get(name);
      if (!t) throw new FormatError(model.format, `no tensor '${name}'`, undefined, model.file);
      return t.data.read(0, t.numel);
    },
  };
}

/** A group as one F32 tensor. It decodes whole (blockSize = numel): reads take it in one piece. */
function groupEntry(group: StoredGroup, read: ReadMember, source: string, byteLength: number): TensorEntry {
  const numel = group.shape.reduce((a, b) => a * b, 1);
  return {
    name: group.logical,
    dtype: 'F32',
    shape: group.shape,
    numel,
    byteLength,
    source,
    data: {
      blockSize: Math.max(1, numel),
      read: async (start, count) => {
        const all = await decodeStoredGroup(group, read);
        return start === 0 && count === all.length ? all : all.slice(start, start + count);
      },
    },
  };
}

/** The model with its quantized storages decoded; a model without any is returned as it is. */
export async function decodeStorages(model: Model, readFile: ReadWholeFile = (file) => fs.readFile(file)): Promise<DecodedModel> {
  const { summary, read } = await storageView(model, readFile);
  const { groups, problems } = await findStoredGroups(summary, read);
  if (groups.length === 0) return { model, storages: new Map(), problems };
  const members = new Set(groups.flatMap((g) => Object.values(g.members)));
  const bytesOf = new Map(model.tensors.map((t) => [t.name, t.byteLength]));
  const source = model.tensors[0]?.source ?? model.file;
  const decoded = groups.map((g) => groupEntry(g, read, source, Object.values(g.members).reduce((s, m) => s + (bytesOf.get(m) ?? 0), 0)));
  const tensors = [...model.tensors.filter((t) => !members.has(t.name)), ...decoded];
  return {
    model: { ...model, tensors, close: () => model.close() },
    storages: new Map(groups.map((g) => [g.logical, g.storage])),
    problems,
  };
}
