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
 * onnxruntime-web with its wasm found next to this bundle when shipped there (dist/), else in
 * node_modules (tests under tsx). The thread count is fixed by the first session of a process:
 * later calls cannot change it, so they get the count already in force.
 */
export function loadOrt(threads = defaultOrtThreads()): Ort {
  if (configuredThreads === undefined) {
    if (fs.existsSync(path.join(__dirname, ORT_WASM_FILES[0]))) {
      // A missing trailing separator makes ort look for '<dir>ort-wasm-simd-threaded.mjs'.
      ort.env.wasm.wasmPaths = __dirname + path.sep;
    }
    ort.env.wasm.numThreads = threads;
    ort.env.logLevel = 'error';
    configuredThreads = threads;
  }
  return ort;
}
