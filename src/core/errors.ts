/** The only error a reader throws: what is wrong with a file, where, in one line. */
export class FormatError extends Error {
  override readonly name = 'FormatError';
  constructor(
    readonly format: string,
    message: string,
    /** Byte offset in the file where the problem was found, when known. */
    readonly offset?: number,
    /** The file the problem is in, when known (set by the registry for multi-file models). */
    readonly file?: string,
  ) {
    super(message);
  }
}

/** The same error naming `file`, unless it already names one. */
export function inFile(e: unknown, file: string): unknown {
  if (!(e instanceof FormatError) || e.file !== undefined) return e;
  const named = new FormatError(e.format, e.message, e.offset, file);
  if (e.stack) named.stack = e.stack;
  return named;
}

/** Bad command-line or API usage (exit code 1), as opposed to a bad file (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Thrown by long-running work when its cancellation token fires. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor() {
    super('cancelled');
  }
}
