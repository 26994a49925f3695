/** Runs a SIMD fitting kernel over a row chunk by chunk, handing each fitted block to the caller. */
import { CHUNK, fitKernels, type FitKernels, type FitName } from './wasm/module';

/**
 * Copies src into the kernels' memory a chunk at a time, fits it with `name`, then calls
 * finish(k, block, i) for each block: `block` counts from the start of src, `i` from the start of
 * the chunk (its values at k.input[i * blockSize], its levels at k.levels[i * blockSize]).
 */
export function forEachFitted(
  src: Float32Array, blockSize: number, name: FitName,
  finish: (k: FitKernels, block: number, i: number) => void,
): void {
  const k = fitKernels();
  const nb = src.length / blockSize;
  const chunkBlocks = CHUNK / blockSize;
  for (let c = 0; c < nb; c += chunkBlocks) {
    const m = Math.min(chunkBlocks, nb - c);
    k.input.set(src.subarray(c * blockSize, (c + m) * blockSize));
    k.fit(name, m * blockSize);
    for (let i = 0; i < m; i++) finish(k, c + i, i);
  }
}
