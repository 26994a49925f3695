import { FormatError } from '../errors';
import type { ByteSource } from '../io/byteSource';
import { SHARD_INDEX_FILES } from './claimTable';
import { isClaimedBy } from './fileClaim';
import { isRecord, metadataJson, parseJsonText } from './jsonText';
import { siblingPath } from './siblingPath';

const FORMAT = 'index';
/** Indexes of trillion-parameter checkpoints are a few MB; anything bigger is not an index. */
export const MAX_INDEX_BYTES = 64 * 1024 * 1024;
/** Real checkpoints have at most a few hundred shards; each shard holds an open file handle. */
export const MAX_SHARDS = 10_000;

/**
 * Hugging Face shard index (`model.safetensors.index.json`, `pytorch_model.bin.index.json`):
 * `{"metadata": {...}, "weight_map": {tensor name: shard file name}}`.
 * // transformers modeling_utils: SAFE_WEIGHTS_INDEX_NAME, load_sharded_checkpoint
 */
export interface ShardIndex {
  readonly metadata: Record<string, unknown>;
  /** Tensor name to the shard path it lives in. */
  readonly weightMap: ReadonlyMap<string, string>;
  /** Distinct shard paths, sorted by name (model-00001-of-N first). */
  readonly shards: readonly string[];
}

export function isShardIndexPath(file: string): boolean {
  return isClaimedBy(SHARD_INDEX_FILES, file);
}

export async function readShardIndex(source: ByteSource, indexPath: string): Promise<ShardIndex> {
  if (source.size > MAX_INDEX_BYTES) throw new FormatError(FORMAT, `shard index of ${source.size} bytes exceeds the limit of ${MAX_INDEX_BYTES}`, 0);
  const root = parseJsonText(await source.read(0, source.size, FORMAT), FORMAT, 'shard index', 0);
  if (!isRecord(root)) throw new FormatError(FORMAT, 'shard index is not a JSON object', 0);
  const map = root['weight_map'];
  if (!isRecord(map)) throw new FormatError(FORMAT, 'shard index has no weight_map object', 0);
  const metadata = root['metadata'] === undefined ? {} : root['metadata'];
  if (!isRecord(metadata)) throw new FormatError(FORMAT, 'shard index metadata is not an object', 0);
  const resolved = new Map<string, string>();
  const weightMap = new Map<string, string>();
  for (const [tensor, shard] of Object.entries(map)) {
    let file = typeof shard === 'string' ? resolved.get(shard) : undefined;
    if (file === undefined) {
      file = siblingPath(indexPath, shard, FORMAT, `weight_map['${tensor}']`);
      resolved.set(shard as string, file);
      if (resolved.size > MAX_SHARDS) throw new FormatError(FORMAT, `shard index names more than ${MAX_SHARDS} shards`, 0);
    }
    weightMap.set(tensor, file);
  }
  if (weightMap.size === 0) throw new FormatError(FORMAT, 'shard index weight_map is empty', 0);
  const shards = [...new Set(resolved.values())].sort();
  // Any JSON may sit under metadata: bounded in depth like every metadata value.
  return { metadata: metadataJson(metadata, FORMAT, 'shard index metadata', 0) as Record<string, unknown>, weightMap, shards };
}
