/** Calibration batches as onnxruntime tensors for one session. */
import type { FeedValue } from './data/calibData';
import type { Feeds, ModelSession } from './session';

export function toFeeds(session: ModelSession, feeds: Readonly<Record<string, FeedValue>>): Feeds {
  const out: Feeds = {};
  for (const [name, f] of Object.entries(feeds)) out[name] = session.tensor(f.type, f.data, f.dims);
  return out;
}
