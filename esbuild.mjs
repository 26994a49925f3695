// The one build script: extension host, worker and CLI (node, cjs), webview (browser, iife).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import { compileAssemblyScript } from './scripts/build/kernelsWasm.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };

/** Node bundles: everything runs in the extension host, its workers, or the terminal. */
const nodeEntries = {
  cli: 'src/cli/main.ts',
  extension: 'src/extension/extension.ts',
  worker: 'src/worker/thread/worker.ts',
  bench: 'scripts/bench/bench.ts',
  planBench: 'scripts/bench/planBench.ts',
  calibWorker: 'src/worker/thread/calibWorker.ts',
};

/** Host tests: one file per suite, loaded by mocha inside the VS Code extension host. */
const hostTestEntries = fs.readdirSync('test/host/suite')
  .filter((f) => f.endsWith('.ts'))
  .map((f) => `test/host/suite/${f}`);

const builds = [
  {
    ...common,
    entryPoints: nodeEntries,
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    entryPoints: { webview: 'webview/main.ts', compareWebview: 'webview/compareMain.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    // The panel CSP has no 'unsafe-eval'; chart.js needs none.
    minify: true,
  },
  {
    ...common,
    entryPoints: hostTestEntries,
    outdir: 'dist/test/host/suite',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
  },
];

/** WebAssembly next to the bundles that load them: the SIMD kernels, and the bench's ceiling loops. */
const WASM_BUILDS = [
  { source: 'src/wasm/kernels.ts', target: 'dist/kernels.wasm' },
  { source: 'scripts/bench/ceiling/loops.ts', target: 'dist/ceiling.wasm' },
];

/** asc takes seconds, so only when the source changed. */
async function buildWasm() {
  for (const { source, target } of WASM_BUILDS) {
    if (fs.existsSync(target) && fs.statSync(target).mtimeMs >= fs.statSync(source).mtimeMs) continue;
    const bytes = await compileAssemblyScript(source);
    fs.mkdirSync('dist', { recursive: true });
    fs.writeFileSync(target, bytes);
  }
}

/** onnxruntime-web's Node runtime, loaded from the bundles' own folder (src/core/calib/ort.ts). */
const ORT_WASM_FILES = ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs'];

function copyOrtWasm() {
  fs.mkdirSync('dist', { recursive: true });
  for (const f of ORT_WASM_FILES) fs.copyFileSync(`node_modules/onnxruntime-web/dist/${f}`, `dist/${f}`);
}

copyOrtWasm();
if (watch) {
  await buildWasm();
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all([buildWasm(), ...builds.map((b) => esbuild.build(b))]);
}
