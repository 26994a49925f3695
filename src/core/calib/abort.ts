import { CancelledError } from '../errors';

/** Long loops call this between batches, so a cancel takes effect at the next batch. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
