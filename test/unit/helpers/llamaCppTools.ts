import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The llama.cpp reference tools (shared/tools/llama.cpp, beside the checkout; LLAMA_CPP_TOOLS overrides). */
const TOOLS = process.env.LLAMA_CPP_TOOLS ?? path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'tools', 'llama.cpp');

const TOOLS_MISSING = `skipped: llama.cpp reference tools not found at ${path.join(TOOLS, 'bin')} (linux-x64 only)`;

/** The real llama-quantize writes files of up to a few MB here; a hung run must not hold the suite. */
const QUANTIZE_TIMEOUT_MS = 120_000;

/** The path of a tool that exists and runs here, else null (tests then skip with TOOLS_MISSING). */
function llamaCppTool(name: 'llama-quantize'): string | null {
  const file = path.join(TOOLS, 'bin', name);
  if (process.platform !== 'linux' || process.arch !== 'x64' || !existsSync(file)) return null;
  const probe = spawnSync(file, ['--help'], { encoding: 'utf8', timeout: 10_000 });
  return probe.error === undefined && /usage:/.test(`${probe.stdout}${probe.stderr}`) ? file : null;
}

/**
 * Inside a describe: the real llama-quantize, run with one thread (throws with its last lines when it
 * fails). The suite gets its timeout and is skipped, saying why, where the tool cannot run.
 */
export function llamaQuantizeOrSkip(suite: Mocha.Suite): (args: readonly string[]) => void {
  suite.timeout(QUANTIZE_TIMEOUT_MS);
  const tool = llamaCppTool('llama-quantize');
  before(function () {
    if (!tool) {
      console.warn(`      ${TOOLS_MISSING}`);
      this.skip();
    }
  });
  return (args) => {
    if (tool === null) throw new Error(TOOLS_MISSING);
    const run = spawnSync(tool, [...args, '1'], { encoding: 'utf8', timeout: QUANTIZE_TIMEOUT_MS, maxBuffer: 64 << 20 });
    if (run.status !== 0) {
      throw new Error(`llama-quantize ${args.join(' ')} failed (${run.status}): ${`${run.stdout}${run.stderr}`.split('\n').slice(-5).join(' | ')}`);
    }
  };
}
