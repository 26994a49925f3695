import type { ByteSource } from '../io/byteSource';

/** Bytes fetched per refill: headers are parsed from windows this big, never from the whole file. */
export const WINDOW_BYTES = 64 * 1024;

/**
 * A read window over a ByteSource. Skipping a big field just moves past it: the next
 * refill starts after it, so its bytes are never read. Parsers check `covers` and decode
 * from `buffer` synchronously; only a refill awaits.
 */
export class WindowedSource {
  /** The window's bytes; a refill replaces the array, so views taken earlier stay valid. */
  buffer: Uint8Array = new Uint8Array(0);
  /** File offset of buffer[0]. */
  start = 0;

  constructor(
    readonly source: ByteSource,
    readonly format: string,
    private readonly windowBytes = WINDOW_BYTES,
  ) {}

  get size(): number {
    return this.source.size;
  }

  /** True when bytes [pos, pos + n) are in the window. */
  covers(pos: number, n: number): boolean {
    return pos >= this.start && pos + n <= this.start + this.buffer.length;
  }

  /** Refills the window at `pos` with at least `n` bytes (fewer only at the end of the file). */
  async load(pos: number, n: number): Promise<void> {
    const length = Math.min(Math.max(this.windowBytes, n), this.size - pos);
    this.buffer = length > 0 ? await this.source.read(pos, length, this.format) : new Uint8Array(0);
    this.start = pos;
  }

  /** Up to `n` bytes at `pos` (fewer only at the end of the file), as a view. */
  async peek(pos: number, n: number): Promise<Uint8Array> {
    const want = Math.max(0, Math.min(n, this.size - pos));
    if (!this.covers(pos, want)) await this.load(pos, want);
    const at = pos - this.start;
    return this.buffer.subarray(at, at + want);
  }

  /** Exactly `n` bytes at `pos`; runs longer than a window are read directly. */
  async bytes(pos: number, n: number): Promise<Uint8Array> {
    if (n > this.windowBytes) return this.source.read(pos, n, this.format);
    const view = await this.peek(pos, n);
    return view.length === n ? view : this.source.read(pos, n, this.format);
  }
}
