/**
 * The kernels a named-format pass borrows (WebAssembly, for the table's figures alone), with the
 * float32 buffers they lend and read in place: pass 1's stats and the error sums without buckets.
 */
export interface PassKernels {
  /** A buffer of `length` values the kernels read in place (at most as many as were asked for when opened). */
  buffer(length: number): Float32Array;
  /** statsChunk(x, n, acc) (metrics/statsKernel.ts): the same counts, min and max, mean and M2 to the last bits. */
  stats(x: Float32Array, n: number, acc: Float64Array): void;
  /** errorStatsChunk(x, deq, from, to, acc, null) (metrics/errorStatsKernel.ts); x and deq may be any arrays. */
  errorSums(x: Float32Array, deq: Float32Array, from: number, to: number, acc: Float64Array): void;
  release(): void;
}

/** Opens PassKernels lending `buffers` buffers of at most `spanLength` values. */
export type OpenPassKernels = (spanLength: number, buffers: number) => PassKernels;
