import { WasmKernels } from '../../../src/core/analysis/engine/wasmKernels';

let bytes: Promise<Uint8Array> | undefined;
let compiled: Promise<WasmKernels> | undefined;

/** The AssemblyScript kernels compiled from source, once per test run (asc takes seconds). */
export function kernelBytes(): Promise<Uint8Array> {
  // A dynamic import: the build helper is an ES module.
  bytes ??= import('../../../scripts/build/kernelsWasm.mjs').then((m) => m.compileKernels());
  return bytes;
}

export function compiledKernels(): Promise<WasmKernels> {
  compiled ??= kernelBytes().then((b) => WasmKernels.fromBytes(b));
  return compiled;
}
