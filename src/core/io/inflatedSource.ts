import { Readable, pipeline } from 'node:stream';
import { createInflateRaw, type InflateRaw } from 'node:zlib';
import { FormatError } from '../errors';
import { MAX_READ_BYTES, type ByteSource } from './byteSource';

/** Compressed bytes read from the file per step: small, so a stream in flight holds little. */
const COMPRESSED_CHUNK_BYTES = 64 * 1024;
/** Inflated bytes zlib hands over per step; the last such chunk is kept to serve overlapping reads. */
const INFLATED_CHUNK_BYTES = 64 * 1024;

/** One forward pass of zlib over the member, positioned somewhere inside it. */
interface InflatePass {
  readonly inflater: InflateRaw;
  readonly chunks: AsyncIterator<Buffer>;
  /** Inflated bytes handed over so far: the end of `window`. */
  produced: number;
  /** The last inflated chunk, covering [produced - window.length, produced). */
  window: Uint8Array;
}

/**
 * A deflated zip member read as if it were inflated on disk, in bounded memory.
 *
 * Deflate has no random access, so a read inflates forward from where the previous read
 * stopped and keeps only the last 64 KB chunk. Reads in increasing order (how tensors are
 * analysed: header, then payload chunk by chunk) cost one pass over the member in total;
 * a read that starts before the kept chunk restarts from the beginning of the member.
 * That trades time on backward seeks for memory that never grows with the member's size.
 * Nothing is inflated past the declared size: a member cannot inflate to more than it claims.
 */
export class InflatedByteSource implements ByteSource {
  private pass: InflatePass | undefined;
  /** Reads share one pass, so they run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly parent: ByteSource,
    private readonly compressedStart: number,
    private readonly compressedSize: number,
    /** Declared uncompressed size. */
    readonly size: number,
  ) {}

  read(offset: number, length: number, format: string): Promise<Uint8Array> {
    const result = this.queue.then(() => this.readInOrder(offset, length, format));
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    this.dropPass();
  }

  private async readInOrder(offset: number, length: number, format: string): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.size) {
      throw new FormatError(format, `needs bytes ${offset}..${offset + length} of ${this.name} but it inflates to ${this.size}`, this.compressedStart);
    }
    if (length > MAX_READ_BYTES) {
      throw new FormatError(format, `single read of ${length} bytes exceeds the ${MAX_READ_BYTES}-byte chunk limit`, this.compressedStart);
    }
    if (length === 0) return new Uint8Array(0);
    const end = offset + length;
    // Pieces of the answer as zlib hands them over: memory follows what the member really
    // inflates to, never what it declares (a lie of 256 MiB in a 1 KB file costs 1 KB).
    const pieces: Uint8Array[] = [];
    let pass = this.pass;
    if (!pass || offset < pass.produced - pass.window.length) pass = this.startPass(format);
    collectOverlap(pass, offset, end, pieces);
    try {
      while (pass.produced < end) {
        const next = await pass.chunks.next();
        if (next.done) throw new FormatError(format, `${this.name} inflates to ${pass.produced} bytes, less than the declared ${this.size} (truncated?)`, this.compressedStart);
        pass.window = next.value;
        pass.produced += next.value.length;
        collectOverlap(pass, offset, end, pieces);
      }
    } catch (e) {
      this.dropPass();
      throw asFormatError(e, format, this.name, this.compressedStart);
    }
    return joinPieces(pieces, length);
  }

  private startPass(format: string): InflatePass {
    this.dropPass();
    const inflater = createInflateRaw({ chunkSize: INFLATED_CHUNK_BYTES });
    const compressed = Readable.from(this.compressedChunks(format), { objectMode: false });
    // pipeline forwards a failed file read to the inflater, where the iterator sees it.
    pipeline(compressed, inflater, () => undefined);
    // pipeline stops listening once all input is written, but zlib may fail later, when it
    // flushes a truncated stream: without a listener that error would end the process. It
    // still reaches the iterator, so the next read of this pass reports it.
    inflater.on('error', () => undefined);
    const pass: InflatePass = { inflater, chunks: inflater[Symbol.asyncIterator](), produced: 0, window: new Uint8Array(0) };
    this.pass = pass;
    return pass;
  }

  private async *compressedChunks(format: string): AsyncGenerator<Uint8Array> {
    for (let done = 0; done < this.compressedSize; done += COMPRESSED_CHUNK_BYTES) {
      const length = Math.min(COMPRESSED_CHUNK_BYTES, this.compressedSize - done);
      yield await this.parent.read(this.compressedStart + done, length, format);
    }
  }

  private dropPass(): void {
    this.pass?.inflater.destroy();
    this.pass = undefined;
  }
}

/** Keeps the part of the pass's window that falls in [offset, end); zlib never reuses a chunk it handed over. */
function collectOverlap(pass: InflatePass, offset: number, end: number, pieces: Uint8Array[]): void {
  const windowStart = pass.produced - pass.window.length;
  const from = Math.max(offset, windowStart);
  const to = Math.min(end, pass.produced);
  if (from < to) pieces.push(pass.window.subarray(from - windowStart, to - windowStart));
}

/** The pieces as one plain Uint8Array (a view when there is one piece: zlib's chunks are Buffers). */
function joinPieces(pieces: readonly Uint8Array[], length: number): Uint8Array {
  const only = pieces.length === 1 ? pieces[0]! : undefined;
  if (only) return new Uint8Array(only.buffer, only.byteOffset, only.length);
  const out = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

function asFormatError(e: unknown, format: string, name: string, offset: number): FormatError {
  if (e instanceof FormatError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new FormatError(format, `${name}: corrupt deflate data (${message})`, offset);
}
