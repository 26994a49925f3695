import * as esbuild from 'esbuild';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '../../..');

let built: Promise<string> | undefined;

/**
 * Bundles the worker and the CLI once per test run into a temp folder, side by side as in
 * dist/ (the CLI finds worker.js next to itself); resolves to the folder.
 */
export function buildBundlesOnce(): Promise<string> {
  built ??= (async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quantlens-bundles-'));
    await esbuild.build({
      entryPoints: { worker: path.join(ROOT, 'src/worker/worker.ts'), cli: path.join(ROOT, 'src/cli/main.ts') },
      outdir: dir, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error',
    });
    return dir;
  })();
  return built;
}
