/**
 * Every quantized storage, one entry each (like the format readers' table): a checkpoint's
 * tensors are grouped into logical float tensors, each decoded by its storage.
 */
import { isProblem, type CheckpointSummary, type MemberInfo, type MemberSource, type ReadMember, type RowSpan, type StorageDecoder, type StorageId, type StorageProblem, type StoredGroup } from './storage';
import type { Values } from '../tensor';
import { GPTQ } from './gptq';
import { AWQ } from './awq';
import { BNB_4BIT } from './bnb4';
import { COMPRESSED_PACK } from './compressedPack';
import { NVFP4 } from './nvfp4';
import { FP8_SCALED } from './fp8Scaled';
import { ONNX_QDQ } from './onnxQdq';
import { MATMUL_NBITS } from './matMulNBits';
import { fail, rowCount } from './members';
import { wholeMemberSource } from './memberSource';

/** In the order they claim members: the more specific patterns first (NVFP4 before a plain U8 weight). */
export const STORAGE_DECODERS: readonly StorageDecoder[] = [GPTQ, AWQ, BNB_4BIT, COMPRESSED_PACK, NVFP4, FP8_SCALED, ONNX_QDQ, MATMUL_NBITS];

const BY_ID: ReadonlyMap<StorageId, StorageDecoder> = new Map(STORAGE_DECODERS.map((d) => [d.id, d]));

export interface StorageGrouping {
  /** Logical tensors stored in several members. */
  readonly groups: readonly StoredGroup[];
  /** Tensors no group claimed: they stand for themselves (members of a problem group among them). */
  readonly plain: readonly MemberInfo[];
  /** What looked like a storage's group but cannot be decoded, each in one line. */
  readonly problems: readonly StorageProblem[];
}

/** Groups a checkpoint's tensors; each member belongs to at most one group. */
export async function findStoredGroups(summary: CheckpointSummary, read: ReadMember): Promise<StorageGrouping> {
  const claimed = new Set<string>();
  const groups: StoredGroup[] = [];
  const problems: StorageProblem[] = [];
  for (const decoder of STORAGE_DECODERS) {
    for (const group of await decoder.find(summary, claimed, read)) {
      if (isProblem(group)) {
        problems.push(group);
        continue;
      }
      const members = Object.values(group.members);
      if (members.some((m) => claimed.has(m))) continue;
      for (const m of members) claimed.add(m);
      groups.push(group);
    }
  }
  return { groups, plain: summary.tensors.filter((t) => !claimed.has(t.name)), problems };
}

function decoderOf(group: StoredGroup): StorageDecoder {
  const decoder = BY_ID.get(group.storage);
  if (!decoder) fail(group, `unknown storage '${group.storage}'`);
  return decoder;
}

/** Whether the group's storage decodes spans of rows (else only whole: decodeStoredGroup). */
export function decodesRows(group: StoredGroup): boolean {
  return decoderOf(group).decodes === 'rows';
}

/** The group's logical tensor as float32, row-major, its members read whole (memory: its values plus its members'). */
export async function decodeStoredGroup(group: StoredGroup, read: ReadMember): Promise<Float32Array> {
  const decoder = decoderOf(group);
  if (decoder.decodes === 'whole') return decoder.decode(group, read);
  const members = new Map<string, Values>();
  for (const name of Object.values(group.members)) members.set(name, await read(name));
  return decoder.decodeRows(group, wholeMemberSource(members), { first: 0, end: rowCount(group.shape) });
}

/** Rows [first, end) of a row-decoding group's logical tensor, reading only the members' matching parts. */
export async function decodeStoredRows(group: StoredGroup, source: MemberSource, rows: RowSpan): Promise<Float32Array> {
  const decoder = decoderOf(group);
  if (decoder.decodes === 'whole') fail(group, `${group.storage} decodes whole groups only`);
  const total = rowCount(group.shape);
  if (!(Number.isInteger(rows.first) && Number.isInteger(rows.end) && rows.first >= 0 && rows.first <= rows.end && rows.end <= total)) {
    fail(group, `rows ${rows.first}..${rows.end} are outside 0..${total}`);
  }
  return decoder.decodeRows(group, source, rows);
}

export type { CheckpointSummary, FoundGroup, GraphNode, MemberInfo, MemberSource, ReadMember, ReadMemberRange, RowSpan, StorageDecoder, StorageId, StorageProblem, StoredGroup } from './storage';
