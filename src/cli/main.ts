#!/usr/bin/env node
import * as path from 'node:path';
import { CancelledError, FormatError, UsageError } from '../core/errors';
import { createAnalyzeCommand } from './commands/analyze';
import type { CliIO, Command } from './command';
import { calibrateCommand } from './commands/calibrate';
import { createCheckCommand } from './commands/check';
import { compareCommand } from './commands/compare';
import { inspectCommand } from './commands/inspect';
import { planCommand } from './commands/plan';
import { ptqCommand } from './commands/ptq';
import { valuesCommand } from './commands/values';

/** Every sub-command; each lives in its own file under commands/. */
const COMMANDS: readonly Command[] = [
  inspectCommand,
  valuesCommand,
  // The worker bundle is built next to the CLI bundle (esbuild.mjs).
  createAnalyzeCommand({ workerScript: path.join(__dirname, 'worker.js') }),
  calibrateCommand,
  ptqCommand,
  planCommand,
  compareCommand,
  createCheckCommand({ workerScript: path.join(__dirname, 'worker.js') }),
];

const EXIT_OK = 0;
const EXIT_USAGE = 1;
const EXIT_BAD_INPUT = 2;
const EXIT_INTERRUPTED = 130;

function usage(): string {
  const lines = COMMANDS.map((c) => `  ${c.usage.padEnd(60)} ${c.summary}`);
  return ['usage: quantlens <command> [options]', '', ...lines, '', 'Add --json for machine-readable output, --debug for stack traces.'].join('\n');
}

/** The file an error is about, for the one-line `quantlens: <file>: <message>`. */
function fileOf(argv: string[]): string {
  return argv.slice(1).find((a) => !a.startsWith('-')) ?? 'quantlens';
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.stdout.write(usage() + '\n');
    return name ? EXIT_OK : EXIT_USAGE;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`quantlens: unknown command '${name}'\n${usage()}\n`);
    return EXIT_USAGE;
  }
  const debug = rest.includes('--debug');
  const json = rest.includes('--json');
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (debug && e instanceof Error) io.stderr.write(`${e.stack}\n`);
    const file = e instanceof FormatError && e.file !== undefined ? e.file : fileOf(argv);
    if (e instanceof UsageError) {
      io.stderr.write(`quantlens: ${e.message}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof CancelledError) {
      io.stderr.write('quantlens: interrupted\n');
      return EXIT_INTERRUPTED;
    }
    const format = e instanceof FormatError ? e.format : 'file';
    const offset = e instanceof FormatError && e.offset !== undefined ? e.offset : null;
    const message = oneLine(e);
    if (json) io.stdout.write(JSON.stringify({ error: { file, format, message, offset } }) + '\n');
    io.stderr.write(`quantlens: ${file}: ${e instanceof FormatError ? `${format}: ` : ''}${message}${offset !== null ? ` (at byte ${offset})` : ''}\n`);
    return EXIT_BAD_INPUT;
  }
}

function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0]!.slice(0, 500);
}

if (require.main === module) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => { process.exitCode = code; },
    (e) => { process.stderr.write(`quantlens: internal error: ${oneLine(e)}\n`); process.exitCode = EXIT_BAD_INPUT; },
  );
}
