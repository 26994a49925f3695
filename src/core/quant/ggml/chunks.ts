/** Feeds a row to the SIMD kernels chunk by chunk. */
import { CHUNK, ggmlKernels, type GgmlKernels, type KernelName } from './wasm/module';

/**
 * Copies src into the kernels' memory a chunk of whole blocks at a time (at k.input) and calls
 * each(k, first, m) for its m blocks, the first of them block `first` of src.
 */
export function forEachChunk(src: Float32Array, blockSize: number, each: (k: GgmlKernels, first: number, m: number) => void): void {
  const k = ggmlKernels();
  const nb = src.length / blockSize;
  const chunkBlocks = CHUNK / blockSize;
  for (let first = 0; first < nb; first += chunkBlocks) {
    const m = Math.min(chunkBlocks, nb - first);
    k.input.set(src.subarray(first * blockSize, (first + m) * blockSize));
    each(k, first, m);
  }
}

/**
 * For kernels that write whole ggml blocks but their headers (Q4_0, Q4_1, Q8_0): each chunk's blocks
 * in one copy, then `header` writes block i's header at dst[b] from the kernel's scales and mins.
 */
export function quantizeBlocks(src: Float32Array, dst: Uint8Array, kernel: KernelName, blockSize: number, blockBytes: number,
  header: (k: GgmlKernels, i: number, dst: Uint8Array, b: number) => void): void {
  forEachChunk(src, blockSize, (k, first, m) => {
    k.run(kernel, m * blockSize);
    const at = first * blockBytes;
    dst.set(k.levels.subarray(0, m * blockBytes), at);
    for (let i = 0; i < m; i++) header(k, i, dst, at + i * blockBytes);
  });
}

/** A block quantizer as ggml's reference runs it: fit sub-blocks, quantize their scales, requantize, pack. */
export interface Passes {
  /** Blocks of blockSize values, blockBytes bytes. */
  readonly blockSize: number;
  readonly blockBytes: number;
  /** The kernel fitting every sub-block (scales, mins and first levels into k). */
  readonly fit: KernelName;
  /**
   * Block i of the chunk: writes its header at dst[b] from the fits and leaves each sub-block's
   * final d and m in k.scales and k.mins for `levels`. False when the block is complete already.
   */
  scale(k: GgmlKernels, i: number, dst: Uint8Array, b: number): boolean;
  /** The kernel computing the final levels against those scales. */
  readonly levels: KernelName;
  /** The kernel turning those levels back into values (a round trip); blocks complete after `scale` have zero levels. */
  readonly dequant?: KernelName;
  /** Packs the block's levels, L[lo..lo + blockSize), at dst[b]. */
  pack(L: Uint8Array, lo: number, dst: Uint8Array, b: number): void;
}

// Which blocks of the chunk still need packing; quantizers are synchronous and never re-entered.
const pending = new Uint8Array(CHUNK);

export function quantizeInPasses(src: Float32Array, dst: Uint8Array, p: Passes): void {
  forEachChunk(src, p.blockSize, (k, first, m) => {
    const values = m * p.blockSize;
    k.run(p.fit, values);
    for (let i = 0; i < m; i++) pending[i] = p.scale(k, i, dst, (first + i) * p.blockBytes) ? 1 : 0;
    k.run(p.levels, values);
    for (let i = 0; i < m; i++) if (pending[i]) p.pack(k.levels, i * p.blockSize, dst, (first + i) * p.blockBytes);
  });
}

/**
 * deq[from..to) = the round trip of x[from..to) (whole blocks) a chunk at a time: `steps` turns the
 * chunk's values in k.input into their dequantized values in place. Non-finite values go in as 0 and
 * are copied through to deq, as ggmlRoundTrip does around the bytes.
 */
export function roundTripChunks(x: Float32Array, from: number, to: number, deq: Float32Array,
  steps: (k: GgmlKernels, values: number) => void): void {
  const k = ggmlKernels();
  const input = k.input;
  for (let at = from; at < to; at += CHUNK) {
    const values = Math.min(CHUNK, to - at);
    input.set(x.subarray(at, at + values));
    k.run('finite', values);
    const nonFinite = (k.flags[0]! | k.flags[1]! | k.flags[2]! | k.flags[3]!) !== 0;
    steps(k, values);
    deq.set(input.subarray(0, values), at);
    if (nonFinite) {
      for (let i = at; i < at + values; i++) if (x[i]! - x[i]! !== 0) deq[i] = x[i]!;
    }
  }
}

// Where a round trip's block headers are written and read back; never re-entered. Larger than any k-quant block.
const headerScratch = new Uint8Array(256);

/** quantizeInPasses without the bytes: fit, scale, levels, then the levels back to values. */
export function roundTripInPasses(x: Float32Array, from: number, to: number, deq: Float32Array, p: Passes): void {
  const dequant = p.dequant;
  if (!dequant) throw new Error(`no dequantization kernel after ${p.levels}`);
  roundTripChunks(x, from, to, deq, (k, values) => {
    const m = values / p.blockSize;
    k.run(p.fit, values);
    for (let i = 0; i < m; i++) pending[i] = p.scale(k, i, headerScratch, 0) ? 1 : 0;
    k.run(p.levels, values);
    for (let i = 0; i < m; i++) if (!pending[i]) k.levels.fill(0, i * p.blockSize, (i + 1) * p.blockSize);
    k.run(dequant, values);
  });
}
