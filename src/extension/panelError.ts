import type { PanelError } from '../shared/webviewProtocol';

/** Any thrown value as a message for the panel, keeping a reader's format and byte offset. */
export function toPanelError(e: unknown): PanelError {
  if (e instanceof Error) {
    const { format, offset } = e as Error & { format?: unknown; offset?: unknown };
    return {
      message: e.message,
      ...(typeof format === 'string' ? { format } : {}),
      ...(typeof offset === 'number' ? { offset } : {}),
    };
  }
  return { message: String(e) };
}

/** Cancellation surfaces as an error named CancelledError (core) or AbortError (AbortSignal). */
export function isCancellation(e: unknown): boolean {
  return e instanceof Error && (e.name === 'CancelledError' || e.name === 'AbortError');
}
