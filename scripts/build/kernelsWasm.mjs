// Compiles the AssemblyScript SIMD kernels (src/wasm/kernels.ts) to WebAssembly bytes, in memory.
// Used by esbuild.mjs (writes dist/kernels.wasm), by the tests (which compare with the TS kernels)
// and by the bench (its ceiling loops, scripts/bench/ceiling/loops.ts, with the same options).
import asc from 'assemblyscript/asc';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('../../src/wasm/kernels.ts', import.meta.url));

/** No GC or allocator (the JS glue lays out memory), no assertions, v128 SIMD, optimized for speed. */
const OPTIONS = {
  optimizeLevel: 3,
  shrinkLevel: 0,
  runtime: 'stub',
  noAssert: true,
  enable: ['simd'],
};

/** @returns {Promise<Uint8Array>} */
export function compileKernels() {
  return compileAssemblyScript(SOURCE);
}

/**
 * @param {string} file an AssemblyScript source file
 * @returns {Promise<Uint8Array>}
 */
export async function compileAssemblyScript(file) {
  const source = await readFile(file, 'utf8');
  const result = await asc.compileString({ 'kernels.ts': source }, OPTIONS);
  if (result.error || !result.binary) {
    throw new Error(`AssemblyScript: ${result.error?.message ?? 'no output'}\n${result.stderr.toString()}`);
  }
  return result.binary;
}
