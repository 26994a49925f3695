import { UsageError } from '../errors';
import { BlockRangeAccumulator, blockRangesProblem } from '../metrics/blockRanges';
import type { TensorEntry } from '../tensor';
import type { BlockRequest, BlockStats } from '../../shared/webviewProtocol';
import { streamTensor, type StreamHooks } from './chunkStream';

/** Per-channel or per-group ranges of one tensor, in one streamed pass over its values. */
export async function tensorBlockStats(entry: TensorEntry, request: BlockRequest, hooks: StreamHooks): Promise<BlockStats> {
  const problem = blockRangesProblem(entry.shape, request);
  if (problem) throw new UsageError(problem);
  const ranges = new BlockRangeAccumulator(entry.shape, entry.numel, request);
  await streamTensor(entry, hooks, (x, start) => ranges.add(x, start));
  return ranges.finish();
}
