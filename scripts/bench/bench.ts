/**
 * `npm run bench` (built to dist/bench.js, next to worker.js and kernels.wasm): QuantLens against
 * the notebook's torch code, tuned torch and numpy on the same tensor, then the LLaMA-7B-scale run.
 * Each measurement runs in a child process (its own peak RSS); the best of a few runs is kept.
 *
 *   node dist/bench.js [--no-torch] [--no-llama] [--keep]
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { alignColumns } from '../../src/core/report/textTable';
import { writeBenchFiles, type BenchFiles } from './data';
import { analyzeLlama, FILLED_TENSORS, writeLlama } from './llama';
import { cancelLatency, CATEGORIES, SCENARIOS, type Measurement } from './scenarios';

/** Debian's python, which has torch 1.13 (the `python3` on PATH may be another build). */
const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = path.join(__dirname, '..', 'scripts', 'bench', 'torch_bench.py');
const LLAMA_THREADS = 2;
/** The targets. */
const TARGET_INT8_PER_CORE = 1.5e9;
const TARGET_SUITE_PER_CORE = 400e6;
const TARGET_VS_NOTEBOOK = 20;
const TARGET_VS_TUNED = 5;
const TARGET_LLAMA_SECONDS = 60;
const TARGET_LLAMA_RSS_MB = 1024;
const TARGET_CANCEL_SECONDS = 0.2;

interface Row extends Measurement {
  readonly category: string;
  readonly impl: string;
}

function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(command)} ${args.join(' ')}: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

/** Runs this script again as `--child <what> ...` and parses the Measurement it prints. */
async function child(...args: string[]): Promise<Measurement> {
  const out = await run(process.execPath, [__filename, '--child', ...args]);
  return JSON.parse(out.trim().split('\n').pop()!) as Measurement;
}

async function childMain(args: string[]): Promise<void> {
  const [what, ...rest] = args;
  let m: Measurement;
  if (what === 'scenario') {
    const index = Number(rest[0]);
    const files = JSON.parse(rest[1]!) as BenchFiles;
    m = await SCENARIOS[index]!.run(files);
  } else if (what === 'cancel') {
    m = await cancelLatency(JSON.parse(rest[0]!) as BenchFiles);
  } else if (what === 'llama') {
    m = await analyzeLlama(rest[0]!, LLAMA_THREADS, rest[1]);
  } else {
    throw new Error(`unknown child task ${what}`);
  }
  process.stdout.write(JSON.stringify(m) + '\n');
}

async function torchRows(files: BenchFiles, log: (s: string) => void): Promise<Row[]> {
  if (!existsSync(PYTHON)) {
    log(`  ${PYTHON} not found: torch and numpy comparisons skipped`);
    return [];
  }
  const out = await run(PYTHON, [TORCH_SCRIPT, files.npy]);
  const rows: Row[] = [];
  for (const line of out.trim().split('\n')) {
    const j = JSON.parse(line) as { skipped?: string; scenario: string; impl: string } & Measurement;
    if (j.skipped) log(`  ${j.skipped}: torch comparisons skipped`);
    else rows.push({ category: j.scenario, impl: j.impl, seconds: j.seconds, elements: j.elements, inputBytes: j.inputBytes, maxRssMB: j.maxRssMB });
  }
  return rows;
}

function perSecond(r: Measurement): number {
  return r.elements / r.seconds;
}

function table(rows: readonly Row[]): string[] {
  const header = ['what', 'implementation', 'time', 'M elem/s', 'GB/s', 'peak RSS'];
  const body: string[][] = [];
  let last = '';
  for (const r of rows) {
    body.push([r.category === last ? '' : r.category, r.impl, `${(r.seconds * 1000).toFixed(0)} ms`,
      (perSecond(r) / 1e6).toFixed(0), (r.inputBytes / r.seconds / 1e9).toFixed(2), `${r.maxRssMB.toFixed(0)} MB`]);
    last = r.category;
  }
  return alignColumns([header, ...body], ['left', 'left', 'right', 'right', 'right', 'right']);
}

function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}

function targets(rows: readonly Row[]): string[] {
  const find = (category: string, impl: RegExp): Row | undefined => rows.find((r) => r.category === category && impl.test(r.impl));
  const lines: string[] = [];
  const kernel = find(CATEGORIES.int8, /WebAssembly/);
  if (kernel) {
    lines.push(`int8 per tensor, round trip + metrics, 1 core: ${(perSecond(kernel) / 1e6).toFixed(0)} M elem/s (target 1,500): ${verdict(perSecond(kernel) >= TARGET_INT8_PER_CORE)}`);
  }
  const suite = find(CATEGORIES.suite, /analyzeTensor/);
  if (suite) {
    lines.push(`8/4/2 suite with histograms, 1 core: ${(perSecond(suite) / 1e6).toFixed(0)} M elem/s (target 400): ${verdict(perSecond(suite) >= TARGET_SUITE_PER_CORE)}`);
  }
  for (const category of Object.values(CATEGORIES)) {
    const ours = rows.filter((r) => r.category === category && r.impl.startsWith('QuantLens') && !/TypeScript/.test(r.impl));
    const fastest = ours.reduce<Row | undefined>((b, r) => (!b || perSecond(r) > perSecond(b) ? r : b), undefined);
    const notebook = find(category, /notebook/);
    const tuned = find(category, /tuned/);
    if (!fastest) continue;
    const parts: string[] = [];
    if (notebook) {
      const x = perSecond(fastest) / perSecond(notebook);
      parts.push(`${x.toFixed(1)}x the notebook (target ${TARGET_VS_NOTEBOOK}x: ${verdict(x >= TARGET_VS_NOTEBOOK)})`);
    }
    if (tuned) {
      const x = perSecond(fastest) / perSecond(tuned);
      parts.push(`${x.toFixed(1)}x tuned torch (target ${TARGET_VS_TUNED}x: ${verdict(x >= TARGET_VS_TUNED)})`);
    }
    if (parts.length > 0) lines.push(`${category}: QuantLens ${parts.join(', ')}`);
  }
  return lines;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') return childMain(argv.slice(1));
  const log = (s: string): void => void process.stdout.write(s + '\n');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quantlens-bench-'));
  try {
    log(`QuantLens benchmark · ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}) · load average ${os.loadavg()[0]!.toFixed(1)} · data in ${dir}`);
    const files = await writeBenchFiles(dir);
    const rows: Row[] = [];
    for (let i = 0; i < SCENARIOS.length; i++) {
      const s = SCENARIOS[i]!;
      log(`  ${s.category}: ${s.label} ...`);
      rows.push({ category: s.category, impl: s.label, ...(await child('scenario', String(i), JSON.stringify(files))) });
    }
    if (!argv.includes('--no-torch')) {
      log('  torch and numpy ...');
      rows.push(...(await torchRows(files, log)));
    }
    const order = Object.values(CATEGORIES) as string[];
    rows.sort((a, b) => order.indexOf(a.category) - order.indexOf(b.category));
    log('');
    log('Same 4096 x 4096 float32 tensor (16.7 M elements) for all; best of 3 runs after a warm-up (baselines over 5 s: one run).');
    for (const line of table(rows)) log(line);
    log('');
    for (const line of targets(rows)) log(line);
    const cancel = await child('cancel', JSON.stringify(files));
    log(`cancel: a running analysis (2 threads) rejected ${(cancel.seconds * 1000).toFixed(0)} ms after abort(), worst of 3 (target < ${TARGET_CANCEL_SECONDS * 1000} ms: ${verdict(cancel.seconds < TARGET_CANCEL_SECONDS)})`);

    if (!argv.includes('--no-llama')) {
      log('');
      const file = path.join(dir, 'llama-7b.safetensors');
      log('LLaMA-7B-shaped BF16 safetensors (sparse; some tensors filled with random weights) ...');
      const { size, filledBytes, filledElements } = await writeLlama(file);
      const whole = await child('llama', file);
      const filled = await child('llama', file, FILLED_TENSORS.source);
      const llamaRows: Row[] = [
        { category: `whole file (${(size / 1e9).toFixed(1)} GB, 291 tensors, ${(whole.elements / 1e9).toFixed(2)} G elements)`, impl: `int8+int4 sym+asym, pool of ${LLAMA_THREADS}`, ...whole },
        { category: `random-filled tensors only (${(filledBytes / 1e9).toFixed(1)} GB, ${(filledElements / 1e9).toFixed(2)} G elements)`, impl: `int8+int4 sym+asym, pool of ${LLAMA_THREADS}`, ...filled },
      ];
      for (const line of table(llamaRows)) log(line);
      log(`whole file: ${whole.seconds.toFixed(1)} s (target < ${TARGET_LLAMA_SECONDS} s: ${verdict(whole.seconds < TARGET_LLAMA_SECONDS)}), `
        + `peak RSS ${whole.maxRssMB.toFixed(0)} MB (target < ${TARGET_LLAMA_RSS_MB} MB: ${verdict(whole.maxRssMB < TARGET_LLAMA_RSS_MB)})`);
    }
  } finally {
    if (!argv.includes('--keep')) await fs.rm(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
