import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { buildBundlesOnce } from '../worker/bundles';
import type { Run } from './run';

/**
 * `node dist/cli.js analyze ...argv` as a user runs it (the CLI finds worker.js next to itself),
 * the bundles built once per test run: the setup of the suites that run the built CLI.
 */
export async function builtAnalyze(): Promise<(...argv: string[]) => Promise<Run>> {
  const cli = path.join(await buildBundlesOnce(), 'cli.js');
  return (...argv) =>
    new Promise((resolve) => {
      execFile(process.execPath, [cli, 'analyze', ...argv], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });
}
