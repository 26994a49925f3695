/**
 * Elements per read on the fast paths: 1 MB of float32, few enough reads and event-loop turns
 * that their cost vanishes next to the kernels, small enough to keep memory flat.
 */
export const ENGINE_CHUNK_ELEMENTS = 1 << 18;

export interface PassHooks {
  readonly signal?: AbortSignal;
  onElements?(n: number): void;
}

/**
 * Progress over several passes of one tensor, reported as analyzeTensor does: the share of all
 * passes done, in elements of the tensor (cumulative, never decreasing, numel at the end).
 */
export class PassProgress {
  private passesDone = 0;
  private reported = 0;

  constructor(
    private readonly numel: number,
    private readonly passes: number,
    private readonly hooks: PassHooks,
  ) {}

  get signal(): AbortSignal | undefined {
    return this.hooks.signal;
  }

  within(done: number): void {
    const n = Math.floor((this.passesDone * this.numel + done) / this.passes);
    if (n > this.reported) {
      this.reported = n;
      this.hooks.onElements?.(n);
    }
  }

  passDone(): void {
    this.passesDone++;
  }
}

/** Chunk length: ENGINE_CHUNK_ELEMENTS rounded up to whole storage blocks (reads start on a block). */
export function engineChunkLength(blockSize: number): number {
  return Math.ceil(ENGINE_CHUNK_ELEMENTS / blockSize) * blockSize;
}
