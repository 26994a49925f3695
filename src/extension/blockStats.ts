import type { TensorSummary } from '../shared/analysisTypes';
import type { BlockRequest, BlockStats } from '../shared/webviewProtocol';

/** Where decoded values come from (the worker pool's `values`). */
export interface ValueReader {
  values(paths: readonly string[], tensor: string, start: number, count: number): Promise<Float32Array>;
}

/** Values decoded per request: bounded memory, and the worker answers other requests in between. */
const VALUES_PER_READ = 1 << 20;
/** Beyond this many values a full pass would keep the worker busy for long: the chart is not offered. */
export const MAX_BLOCK_STATS_VALUES = 64 * 1024 * 1024;
/** More bars than this are unreadable: consecutive blocks are pooled into one bar. */
export const MAX_BARS = 4096;

/** Why a tensor gets no per-channel / per-group chart, or null. */
export function blockStatsProblem(t: TensorSummary, r: BlockRequest): string | null {
  if (t.shape.length < 2) return `Per-${r.granularity} scales need a tensor of rank 2 or more.`;
  if (r.granularity === 'group' && !(r.groupSize !== null && Number.isInteger(r.groupSize) && r.groupSize > 0)) return 'Group size must be a positive integer.';
  if (t.numel > MAX_BLOCK_STATS_VALUES) return `Larger than ${MAX_BLOCK_STATS_VALUES} values.`;
  return null;
}

/** Maps a flat (row-major) index to its block: a row of `[shape[0], rest]`, or a group along the last axis. */
function blockIndexer(t: TensorSummary, r: BlockRequest): { blocks: number; blockOf: (i: number) => number } {
  if (r.granularity === 'channel') {
    const channels = t.shape[0] ?? 1;
    const rowLength = channels > 0 ? t.numel / channels : 1;
    return { blocks: channels, blockOf: (i) => Math.floor(i / rowLength) };
  }
  const last = t.shape[t.shape.length - 1] ?? 1;
  const size = r.groupSize ?? last;
  const perRow = Math.ceil(last / size);
  const rows = last > 0 ? t.numel / last : 0;
  return { blocks: rows * perRow, blockOf: (i) => Math.floor(i / last) * perRow + Math.floor((i % last) / size) };
}

/** Absmax and max − min of every block, streamed from the worker, pooled down to MAX_BARS entries. */
export async function computeBlockStats(reader: ValueReader, paths: readonly string[], t: TensorSummary, r: BlockRequest): Promise<BlockStats> {
  const { blocks, blockOf } = blockIndexer(t, r);
  const min = new Float64Array(blocks).fill(Infinity);
  const max = new Float64Array(blocks).fill(-Infinity);
  for (let start = 0; start < t.numel; start += VALUES_PER_READ) {
    const count = Math.min(VALUES_PER_READ, t.numel - start);
    const values = await reader.values(paths, t.name, start, count);
    for (let i = 0; i < values.length; i++) {
      const v = values[i] ?? NaN;
      if (!Number.isFinite(v)) continue;
      const b = blockOf(start + i);
      if (v < (min[b] ?? Infinity)) min[b] = v;
      if (v > (max[b] ?? -Infinity)) max[b] = v;
    }
  }
  const pooled = Math.max(1, Math.ceil(blocks / MAX_BARS));
  const bars = Math.ceil(blocks / pooled);
  const absMax = new Array<number>(bars).fill(0);
  const span = new Array<number>(bars).fill(0);
  for (let b = 0; b < blocks; b++) {
    const lo = min[b] ?? Infinity;
    const hi = max[b] ?? -Infinity;
    // A block of non-finite values only has no range: it counts as zero.
    if (!(lo <= hi)) continue;
    const bar = Math.floor(b / pooled);
    absMax[bar] = Math.max(absMax[bar] ?? 0, Math.abs(lo), Math.abs(hi));
    span[bar] = Math.max(span[bar] ?? 0, hi - lo);
  }
  return { ...r, blocks, pooled, absMax, span };
}
