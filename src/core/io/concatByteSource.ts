import { FormatError, inFile } from '../errors';
import { MAX_READ_BYTES, type ByteSource } from './byteSource';

/** Several files read as one byte stream (tfjs packs a weight group across shard files). */
export class ConcatByteSource implements ByteSource {
  readonly size: number;
  /** Offset of each part's first byte in the joined stream. */
  private readonly starts: number[];

  constructor(
    readonly name: string,
    private readonly parts: readonly ByteSource[],
  ) {
    this.starts = [];
    let size = 0;
    for (const p of parts) {
      this.starts.push(size);
      size += p.size;
    }
    this.size = size;
  }

  /**
   * Offsets in the joined stream are in no file, so this source's own errors carry none (the
   * message gives the range); a part's errors carry the part's offset and name its file.
   */
  async read(offset: number, length: number, format: string): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      throw new FormatError(format, `invalid byte range ${offset}+${length} of ${this.name}`);
    }
    if (offset + length > this.size) {
      throw new FormatError(format, `needs bytes ${offset}..${offset + length} of ${this.name} but the shards hold ${this.size} (missing or truncated shard?)`);
    }
    if (length > MAX_READ_BYTES) throw new FormatError(format, `single read of ${length} bytes exceeds the ${MAX_READ_BYTES}-byte chunk limit`);
    const out = new Uint8Array(length);
    let done = 0;
    for (let i = 0; i < this.parts.length && done < length; i++) {
      const part = this.parts[i]!;
      const start = this.starts[i]!;
      const from = offset + done - start;
      if (from >= part.size) continue;
      const take = Math.min(part.size - from, length - done);
      out.set(await part.read(from, take, format).catch((e: unknown) => { throw inFile(e, part.name); }), done);
      done += take;
    }
    return out;
  }

  /** The parts (and the shard files under them) belong to whoever opened them. */
  async close(): Promise<void> {}
}
