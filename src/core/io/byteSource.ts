import { promises as fs } from 'node:fs';
import { FormatError } from '../errors';
import { currentIdentity, fileChangedError, identityOf, sameIdentity, type FileIdentity } from './fileIdentity';

/** Positional, bounded reads from a file (or memory); nothing is read until asked for. */
export interface ByteSource {
  /** File path (or a label for in-memory sources). */
  readonly name: string;
  readonly size: number;
  /** Reads exactly `length` bytes at `offset`; a read past the end is a FormatError for `format`. */
  read(offset: number, length: number, format: string): Promise<Uint8Array>;
  /** Reads exactly `out.length` bytes at `offset` into `out` (no allocation, no copy: the analysis reads into kernel memory). */
  readInto?(offset: number, out: Uint8Array, format: string): Promise<void>;
  close(): Promise<void>;
}

/** Largest single read: callers stream bigger payloads in chunks. */
export const MAX_READ_BYTES = 256 * 1024 * 1024;

function checkRange(source: ByteSource, offset: number, length: number, format: string): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new FormatError(format, `invalid byte range ${offset}+${length}`, offset);
  }
  if (offset + length > source.size) {
    throw new FormatError(format, `needs bytes ${offset}..${offset + length} but the file has ${source.size} (truncated?)`, offset);
  }
  if (length > MAX_READ_BYTES) {
    throw new FormatError(format, `single read of ${length} bytes exceeds the ${MAX_READ_BYTES}-byte chunk limit`, offset);
  }
}

/**
 * A file read in place. Every read is checked against the file as it was opened (inode, size,
 * mtime): a file rewritten, truncated or replaced under a job ends it with "the file changed on
 * disk" instead of handing out bytes of two versions.
 */
export class FileByteSource implements ByteSource {
  private constructor(
    readonly name: string,
    private readonly identity: FileIdentity,
    private readonly handle: fs.FileHandle,
  ) {}

  get size(): number {
    return this.identity.size;
  }

  static async open(path: string): Promise<FileByteSource> {
    const handle = await fs.open(path, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new Error(`${path} is not a regular file`);
      return new FileByteSource(path, identityOf(stat), handle);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  async read(offset: number, length: number, format: string): Promise<Uint8Array> {
    checkRange(this, offset, length, format);
    const out = new Uint8Array(length);
    await this.readInto(offset, out, format);
    return out;
  }

  async readInto(offset: number, out: Uint8Array, format: string): Promise<void> {
    const length = out.length;
    checkRange(this, offset, length, format);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(out, done, length - done, offset + done);
      // A short read: the file is shorter than when it was opened.
      if (bytesRead === 0) throw fileChangedError(this.name, offset + done);
      done += bytesRead;
    }
    // After the read, so the bytes just read are covered too (a write during the read changes mtime).
    const now = await currentIdentity(this.name);
    if (!now || !sameIdentity(now, this.identity)) throw fileChangedError(this.name, offset);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

export class MemoryByteSource implements ByteSource {
  constructor(
    readonly name: string,
    private readonly bytes: Uint8Array,
  ) {}

  get size(): number {
    return this.bytes.length;
  }

  async read(offset: number, length: number, format: string): Promise<Uint8Array> {
    checkRange(this, offset, length, format);
    return this.bytes.subarray(offset, offset + length);
  }

  async readInto(offset: number, out: Uint8Array, format: string): Promise<void> {
    out.set(await this.read(offset, out.length, format));
  }

  async close(): Promise<void> {}
}
