/**
 * Error sums computed outside JavaScript for one pass (the WebAssembly errorSums kernel): the
 * reference errorStatsChunk without error buckets, over float32 buffers it lends, which it reads in place.
 */
export interface ErrorSumsKernel {
  /** A buffer of `length` values the sums read in place (at most as many as it was opened with). */
  buffer(length: number): Float32Array;
  /** errorStatsChunk(x, deq, from, to, acc, null); x and deq may be any arrays. */
  add(x: Float32Array, deq: Float32Array, from: number, to: number, acc: Float64Array): void;
  release(): void;
}

/** Opens an ErrorSumsKernel lending `buffers` buffers of at most `spanLength` values. */
export type OpenErrorSums = (spanLength: number, buffers: number) => ErrorSumsKernel;
