/** Compiles src/wasm/kernels.ts (AssemblyScript) to WebAssembly bytes. */
export function compileKernels(): Promise<Uint8Array>;
