/**
 * Every quantized storage, one entry each (like the format readers' table): a checkpoint's
 * tensors are grouped into logical float tensors, each decoded by its storage.
 */
import { isProblem, type CheckpointSummary, type MemberInfo, type ReadMember, type StorageDecoder, type StorageId, type StorageProblem, type StoredGroup } from './storage';
import { GPTQ } from './gptq';
import { AWQ } from './awq';
import { BNB_4BIT } from './bnb4';
import { COMPRESSED_PACK } from './compressedPack';
import { NVFP4 } from './nvfp4';
import { FP8_SCALED } from './fp8Scaled';
import { ONNX_QDQ } from './onnxQdq';
import { MATMUL_NBITS } from './matMulNBits';
import { fail } from './members';

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

/** The group's logical tensor as float32, row-major (memory: its values plus its members'). */
export async function decodeStoredGroup(group: StoredGroup, read: ReadMember): Promise<Float32Array> {
  const decoder = BY_ID.get(group.storage);
  if (!decoder) fail(group, `unknown storage '${group.storage}'`);
  return decoder.decode(group, read);
}

export type { CheckpointSummary, FoundGroup, GraphNode, MemberInfo, ReadMember, StorageDecoder, StorageId, StorageProblem, StoredGroup } from './storage';
