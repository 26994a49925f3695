/**
 * Quantized storages: a logical float tensor kept as several member tensors (GPTQ's qweight +
 * qzeros + scales + g_idx, bitsandbytes' weight + absmax + quant_map, ONNX's DequantizeLinear
 * inputs, ...). Each storage finds its groups in a checkpoint's listing and decodes one group to
 * the float32 values it stands for, reading its members through a callback.
 */
import type { Values } from '../tensor';
import type { StorageId } from '../../shared/storageIds';

/** A tensor of the checkpoint as the readers list it (ONNX 4-bit initializers as 'I4' / 'U4'). */
export interface MemberInfo {
  readonly name: string;
  readonly dtype: string;
  /** Row-major, outermost first. */
  readonly shape: readonly number[];
}

/** An ONNX node: which tensors it wires, and its int / string attributes. */
export interface GraphNode {
  readonly opType: string;
  /** '' or 'ai.onnx' for standard ops, 'com.microsoft' for contrib ops. */
  readonly domain: string;
  /** Input names, '' for an omitted optional input. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, number | string>>;
}

/** What the storages look at to find groups: the tensor listing, plus the graph for ONNX. */
export interface CheckpointSummary {
  readonly tensors: readonly MemberInfo[];
  readonly nodes?: readonly GraphNode[];
}

export type { StorageId };

/** One logical float tensor and the member tensors it is stored in. */
export interface StoredGroup {
  readonly storage: StorageId;
  /** Name of the float tensor it stands for (the unquantized checkpoint's name where there is one). */
  readonly logical: string;
  /** Shape of the decoded values, row-major. */
  readonly shape: readonly number[];
  /** Member tensor name by role ('qweight', 'scales', ...); every member listed is claimed by the group. */
  readonly members: Readonly<Record<string, string>>;
  /** What decoding needs besides the members (bits, group size, axis, ...), found while grouping. */
  readonly params: Readonly<Record<string, number | string>>;
}

/** Tensors that look like a storage's group but cannot be decoded as one (why, in one line). */
export interface StorageProblem {
  readonly storage: StorageId;
  readonly logical: string;
  readonly message: string;
}

export type FoundGroup = StoredGroup | StorageProblem;

export function isProblem(found: FoundGroup): found is StorageProblem {
  return 'message' in found;
}

/** A member tensor's values in row-major order, as TensorData.read(0, numel) gives them (I4 / U4 one per byte). */
export type ReadMember = (name: string) => Promise<Values>;

/** Values [start, start + count) of a member, row-major, as TensorData.read gives them. */
export type ReadMemberRange = (name: string, start: number, count: number) => Promise<Values>;

/** The members as a row decoder reads them: their sizes and parts of their values, each read bounded (memberSource.ts). */
export interface MemberSource {
  /** Values the member holds (product of its shape), undefined when there is no such member. */
  numel(name: string): number | undefined;
  read: ReadMemberRange;
  /** Columns [c0, c1) of every row of the member seen as [numel / width, width]: [rows, c1 - c0], row-major. */
  readColumns(name: string, width: number, c0: number, c1: number): Promise<Values>;
}

/** Logical rows [first, end): indices along dim 0 of the group's shape (of its only dim when 1-D). */
export interface RowSpan {
  readonly first: number;
  readonly end: number;
}

interface DecoderBase {
  readonly id: StorageId;
  /**
   * Groups of this storage among `summary`'s tensors; `claimed` lists members other storages took
   * first. Reads only small descriptor members (bitsandbytes' quant_state, compressed-tensors' weight_shape).
   */
  find(summary: CheckpointSummary, claimed: ReadonlySet<string>, read: ReadMember): Promise<FoundGroup[]>;
}

/** Decodes any span of logical rows from the matching parts of its members alone. */
export interface RowDecoder extends DecoderBase {
  readonly decodes: 'rows';
  /** The float values of rows [first, end) (row-major, (end - first) x the values per row); bad members throw a FormatError. */
  decodeRows(group: StoredGroup, source: MemberSource, rows: RowSpan): Promise<Float32Array>;
}

/** Decodes a group whole: its storage says why reading rows would not pay. */
export interface WholeDecoder extends DecoderBase {
  readonly decodes: 'whole';
  /** The group's float values (product of shape), row-major; bad members throw a FormatError. */
  decode(group: StoredGroup, read: ReadMember): Promise<Float32Array>;
}

export type StorageDecoder = RowDecoder | WholeDecoder;
