import * as esbuild from 'esbuild';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kernelBytes } from '../wasm/compiled';

const ROOT = path.join(__dirname, '../../..');

let built: Promise<string> | undefined;

/**
 * Bundles the worker and the CLI once per test run into a temp folder with the SIMD kernels,
 * side by side as in dist/ (each finds its neighbours next to itself); resolves to the folder.
 */
export function buildBundlesOnce(): Promise<string> {
  built ??= (async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quantlens-bundles-'));
    await esbuild.build({
      entryPoints: { worker: path.join(ROOT, 'src/worker/thread/worker.ts'), cli: path.join(ROOT, 'src/cli/main.ts') },
      outdir: dir, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error',
    });
    await fs.writeFile(path.join(dir, 'kernels.wasm'), await kernelBytes());
    return dir;
  })();
  return built;
}
