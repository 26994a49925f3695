import type { ByteSource } from './byteSource';
import { FormatError } from '../errors';

/** A window [start, start + size) of another source, addressed from 0 (a stored zip member). */
export class SliceByteSource implements ByteSource {
  constructor(
    readonly name: string,
    private readonly parent: ByteSource,
    private readonly start: number,
    readonly size: number,
  ) {}

  async read(offset: number, length: number, format: string): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.size) {
      throw new FormatError(format, `needs bytes ${offset}..${offset + length} of ${this.name} but it has ${this.size} (truncated?)`, this.start + Math.max(0, offset));
    }
    return this.parent.read(this.start + offset, length, format);
  }

  /** The parent source is owned by whoever opened it. */
  async close(): Promise<void> {}
}
