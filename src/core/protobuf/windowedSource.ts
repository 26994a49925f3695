import type { ByteSource } from '../io/byteSource';

/** Bytes fetched per refill: headers are parsed from windows this big, never from the whole file. */
export const WINDOW_BYTES = 64 * 1024;

/**
 * A forward-moving read window over a ByteSource. Skipping a big field just moves past it:
 * the next refill starts after it, so its bytes are never read.
 */
export class WindowedSource {
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;

  constructor(
    readonly source: ByteSource,
    readonly format: string,
    private readonly windowBytes = WINDOW_BYTES,
  ) {}

  get size(): number {
    return this.source.size;
  }

  /**
   * Up to `n` bytes at `pos` (fewer only at the end of the file), `n` at most the window size.
   * The view stays valid after later refills: a refill allocates a new window.
   */
  async peek(pos: number, n: number): Promise<Uint8Array> {
    const want = Math.min(n, this.size - pos);
    if (want <= 0) return new Uint8Array(0);
    if (pos < this.windowStart || pos + want > this.windowStart + this.window.length) {
      const length = Math.min(Math.max(this.windowBytes, want), this.size - pos);
      this.window = await this.source.read(pos, length, this.format);
      this.windowStart = pos;
    }
    const at = pos - this.windowStart;
    return this.window.subarray(at, at + want);
  }

  /** Exactly `n` bytes at `pos`; long runs are read directly instead of through the window. */
  async bytes(pos: number, n: number): Promise<Uint8Array> {
    if (n > this.windowBytes) return this.source.read(pos, n, this.format);
    const view = await this.peek(pos, n);
    if (view.length < n) return this.source.read(pos, n, this.format);
    return view;
  }
}
