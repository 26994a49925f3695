// The one build script: extension host, worker and CLI (node, cjs), webview (browser, iife).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };

/** Node bundles: everything runs in the extension host, its workers, or the terminal. */
const nodeEntries = {
  cli: 'src/cli/main.ts',
  extension: 'src/extension/extension.ts',
  worker: 'src/worker/worker.ts',
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
    entryPoints: { webview: 'webview/main.ts' },
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

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
