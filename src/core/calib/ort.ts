/**
 * The one place that loads onnxruntime-web. `require` picks its Node build (dist/ort.node.min.js);
 * an ES import would pick the .mjs build, which fails in a cjs bundle (onnx-runtime.md).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ort = require('onnxruntime-web');

export type Ort = typeof ort;

/** The only runtime files Node needs; esbuild.mjs copies them next to the bundles. */
export const ORT_WASM_FILES = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'] as const;

/** onnx-runtime.md: 2 threads halve the run time; more buy little on small models and crowd other workers. */
const MAX_DEFAULT_THREADS = 2;

let configuredThreads: number | undefined;

/** Threads onnxruntime-web uses by default here: min(2, cores). */
export function defaultOrtThreads(): number {
  return Math.max(1, Math.min(MAX_DEFAULT_THREADS, os.cpus().length));
}

/**
 * Where the wasm runtime is: next to the bundle (dist/, as shipped), else in node_modules seen from
 * this source file (tests under tsx). Without it onnxruntime aborts inside a promise that never
 * settles, so a missing file must be caught here.
 */
function wasmFolder(): string {
  const candidates = [__dirname, path.resolve(__dirname, '..', '..', '..', 'node_modules', 'onnxruntime-web', 'dist')];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, ORT_WASM_FILES[0])));
  if (!found) throw new Error(`onnxruntime-web's ${ORT_WASM_FILES[0]} is missing: it must sit next to ${path.basename(__filename)} (npm run build copies it)`);
  return found;
}

/**
 * onnxruntime-web, configured once per process. The thread count is fixed by the first session:
 * later calls cannot change it, so they get the count already in force.
 */
export function loadOrt(threads = defaultOrtThreads()): Ort {
  if (configuredThreads === undefined) {
    // A missing trailing separator makes ort look for '<dir>ort-wasm-simd-threaded.mjs'.
    ort.env.wasm.wasmPaths = wasmFolder() + path.sep;
    ort.env.wasm.numThreads = threads;
    ort.env.logLevel = 'error';
    configuredThreads = threads;
  }
  return ort;
}
