import type { TensorSummary } from '../shared/analysisTypes';
import type { ChannelStats } from '../shared/webviewProtocol';
import type { PoolClient } from './poolClient';

/** Values decoded per request: bounded memory, and the worker answers other requests in between. */
const VALUES_PER_READ = 1 << 20;
/** Beyond this many values a full pass would keep the worker busy for long: the chart is not offered. */
export const MAX_CHANNEL_STATS_VALUES = 64 * 1024 * 1024;
/** More bars than this are unreadable in a chart. */
export const MAX_CHANNELS = 16384;

/** Why a tensor gets no per-channel chart, or null. */
export function channelStatsProblem(t: TensorSummary): string | null {
  if (t.shape.length < 2) return 'Per-channel scales need a tensor of rank 2 or more.';
  if ((t.shape[0] ?? 0) > MAX_CHANNELS) return `More than ${MAX_CHANNELS} channels.`;
  if (t.numel > MAX_CHANNEL_STATS_VALUES) return `Larger than ${MAX_CHANNEL_STATS_VALUES} values.`;
  return null;
}

/** Min, max and absmax of each row of `[shape[0], rest]`, streamed from the worker. */
export async function computeChannelStats(pool: PoolClient, paths: readonly string[], t: TensorSummary): Promise<ChannelStats> {
  const channels = t.shape[0] ?? 1;
  const rowLength = channels > 0 ? t.numel / channels : 0;
  const min = new Array<number>(channels).fill(Infinity);
  const max = new Array<number>(channels).fill(-Infinity);
  for (let start = 0; start < t.numel; start += VALUES_PER_READ) {
    const count = Math.min(VALUES_PER_READ, t.numel - start);
    const values = await pool.get().values(paths, t.name, start, count);
    for (let i = 0; i < values.length; i++) {
      const v = values[i] ?? NaN;
      if (!Number.isFinite(v)) continue;
      const c = Math.floor((start + i) / rowLength);
      if (v < (min[c] ?? Infinity)) min[c] = v;
      if (v > (max[c] ?? -Infinity)) max[c] = v;
    }
  }
  const finite = (x: number): number => (Number.isFinite(x) ? x : 0);
  const mins = min.map(finite);
  const maxs = max.map(finite);
  return { tensor: t.name, min: mins, max: maxs, absMax: mins.map((lo, i) => Math.max(Math.abs(lo), Math.abs(maxs[i] ?? 0))) };
}
