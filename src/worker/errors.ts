import { CancelledError, FormatError, UsageError } from '../core/errors';
import { assertNever } from '../shared/assertNever';
import type { SerializedError } from '../shared/workerProtocol';

/** A worker thread died with requests in flight (they fail; the pool starts a fresh thread). */
export class WorkerCrashedError extends Error {
  override readonly name = 'WorkerCrashedError';
}

/** Turns any thrown value into a message that survives postMessage. */
export function serializeError(e: unknown): SerializedError {
  if (e instanceof CancelledError) return { kind: 'cancelled' };
  if (e instanceof FormatError) {
    return { kind: 'format', format: e.format, message: e.message, offset: e.offset ?? null, file: e.file ?? null };
  }
  if (e instanceof UsageError) return { kind: 'usage', message: e.message };
  if (e instanceof Error) return { kind: 'internal', message: e.message, stack: e.stack ?? null };
  return { kind: 'internal', message: String(e), stack: null };
}

/** The host-side error class for a serialized error, so callers can branch with instanceof. */
export function deserializeError(s: SerializedError): Error {
  switch (s.kind) {
    case 'cancelled':
      return new CancelledError();
    case 'format':
      return new FormatError(s.format, s.message, s.offset ?? undefined, s.file ?? undefined);
    case 'usage':
      return new UsageError(s.message);
    case 'internal': {
      const e = new Error(s.message);
      if (s.stack) e.stack = s.stack;
      return e;
    }
    default:
      return assertNever(s, 'serialized error');
  }
}
