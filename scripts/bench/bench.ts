/**
 * `npm run bench` (built to dist/bench.js, next to cli.js, worker.js and kernels.wasm): every figure
 * of the README's speed table, QuantLens and its competitor measured in the same run. It prints the
 * ratios first (they hold on a busy machine better than absolute times), each with the issue's
 * target, then the absolute numbers with the machine, date and core count:
 *  - in memory, one tensor of 16.7 M float32: QuantLens against the notebook's torch code, tuned
 *    torch and numpy; and the issue's own int8 quantize-dequantize-MSE loop on one core (ceiling.ts);
 *  - ggml's quantizers: QuantLens's ports against ggml's own C (gcc -O3), same values, same bytes;
 *  - whole processes: `quantlens analyze` of a 1 GiB float32 tensor against the notebook's torch
 *    code on the same file;
 *  - a LLaMA-7B-shaped BF16 file (13.5 GB): the progressive first estimate, int8+int4 sym+asym (the first run after writing
 *    the file, then with it in the page cache, against reading the file alone), a q4_k,q5_k,q6_k,q8_0 sweep
 *    (whole file and its weight-like tensors alone), and the whole `quantlens plan` process over those types.
 * Each QuantLens measurement runs in a child process (its own peak RSS); the best of a few runs is kept.
 *
 *   node dist/bench.js [--no-torch] [--no-ggml] [--no-process] [--no-llama] [--no-sweep] [--keep]
 *
 * --no-sweep leaves out the 7B format sweeps and the 7B plan (the longest part: tens of minutes on a loaded machine).
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { alignColumns } from '../../src/core/report/textTable';
import { writeBenchFiles, type BenchFiles } from './data';
import { compareGgml, ggmlCMissing, ggmlOurs, type GgmlComparison, type GgmlRate } from './ggmlVsC';
import { analyzeLlama, FILLED_TENSORS, SWEEP_FORMATS, writeLlama, type LlamaRun } from './llama';
import { planWhole, planWholeLine, type PlanWholeResult } from './planWhole';
import { ceilingRates, type CeilingRates } from './ceiling';
import { cancelLatency, CATEGORIES, SCENARIOS, type Measurement } from './scenarios';
import { bestProcess, writeBigNpy, type ProcessRun } from './wholeProcess';

/** Debian's python, which has torch (the `python3` on PATH may be another build). */
const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = path.join(__dirname, '..', 'scripts', 'bench', 'torch_bench.py');
const CLI = path.join(__dirname, 'cli.js');
const LLAMA_THREADS = 2;
/** Whole-process runs of the 1 GiB file: best of this many. */
const PROCESS_REPEATS = 2;
/** The targets (issue 11). */
const TARGET_INT8_PER_CORE = 1.5e9;
const TARGET_INT8_VS_TUNED = 4;
const TARGET_SUITE_PER_CORE = 400e6;
const TARGET_PROCESS_VS_NOTEBOOK = 6;
const TARGET_LLAMA_SECONDS = 12;
const TARGET_LLAMA_RSS_MB = 512;
/** Progressive: the first full-model estimate of the 7B file. */
const TARGET_ESTIMATE_SECONDS = 2;
const TARGET_SWEEP_SECONDS = 90;
const TARGET_GGML_SHARE_OF_C = 0.5;
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

/** Runs this script again as `--child <what> ...` and parses the JSON it prints last. */
async function child<T = Measurement>(...args: string[]): Promise<T> {
  const out = await run(process.execPath, [__filename, '--child', ...args]);
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}

async function childMain(args: string[]): Promise<void> {
  const [what, ...rest] = args;
  let result: Measurement | GgmlRate[] | CeilingRates;
  if (what === 'scenario') {
    result = await SCENARIOS[Number(rest[0])]!.run(JSON.parse(rest[1]!) as BenchFiles);
  } else if (what === 'ceiling') {
    result = await ceilingRates(JSON.parse(rest[0]!) as BenchFiles);
  } else if (what === 'cancel') {
    result = await cancelLatency(JSON.parse(rest[0]!) as BenchFiles);
  } else if (what === 'llama') {
    result = await analyzeLlama(rest[0]!, LLAMA_THREADS, rest[1] as LlamaRun, rest[2]);
  } else if (what === 'ggml') {
    result = await ggmlOurs(rest[0]!);
  } else {
    throw new Error(`unknown child task ${what}`);
  }
  process.stdout.write(JSON.stringify(result) + '\n');
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

function mb(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(0)} MB` : '-';
}

function table(rows: readonly Row[]): string[] {
  const header = ['what', 'implementation', 'time', 'M elem/s', 'GB/s', 'peak RSS'];
  const body: string[][] = [];
  let last = '';
  for (const r of rows) {
    body.push([r.category === last ? '' : r.category, r.impl, `${(r.seconds * 1000).toFixed(0)} ms`,
      (perSecond(r) / 1e6).toFixed(0), (r.inputBytes / r.seconds / 1e9).toFixed(2), mb(r.maxRssMB)]);
    last = r.category;
  }
  return alignColumns([header, ...body], ['left', 'left', 'right', 'right', 'right', 'right']);
}

function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}

function ratio(x: number): string {
  return `${x >= 10 ? x.toFixed(0) : x.toFixed(1)}x`;
}

/** The in-memory ratios: QuantLens's fastest path of each category against the notebook and tuned torch. */
function memoryRatios(rows: readonly Row[]): string[] {
  const find = (category: string, impl: RegExp): Row | undefined => rows.find((r) => r.category === category && impl.test(r.impl));
  const lines: string[] = [];
  for (const category of Object.values(CATEGORIES)) {
    const ours = find(category, /analyzeTensor/);
    if (!ours) continue;
    const parts: string[] = [];
    const notebook = find(category, /notebook/);
    const tuned = find(category, /tuned/);
    if (notebook) parts.push(`${ratio(perSecond(ours) / perSecond(notebook))} the notebook's torch`);
    if (tuned) {
      const x = perSecond(ours) / perSecond(tuned);
      const target = category === CATEGORIES.int8 ? ` (target ${TARGET_INT8_VS_TUNED}x: ${verdict(x >= TARGET_INT8_VS_TUNED)})` : '';
      parts.push(`${ratio(x)} tuned torch on 2 threads${target}`);
    }
    lines.push(`${category} (QuantLens 1 thread): ${parts.length > 0 ? parts.join(', ') : 'no torch in this run'}`);
  }
  const int8 = find(CATEGORIES.int8, /analyzeTensor/);
  if (int8) lines.push(`int8 per tensor, table figures, 1 core: ${(perSecond(int8) / 1e6).toFixed(0)} M values/s, ${ratio(perSecond(int8) / TARGET_INT8_PER_CORE)} the 1,500 target: ${verdict(perSecond(int8) >= TARGET_INT8_PER_CORE)}`);
  const suite = find(CATEGORIES.suiteTable, /analyzeTensor/);
  if (suite) lines.push(`8/4/2 sym+asym, table figures, 1 core: ${(perSecond(suite) / 1e6).toFixed(0)} M values/s, ${ratio(perSecond(suite) / TARGET_SUITE_PER_CORE)} the 400 target: ${verdict(perSecond(suite) >= TARGET_SUITE_PER_CORE)}`);
  return lines;
}

/** The issue's own loop, one table figure, with its sum in float32 and in f64 (as the product), against the int8 target. */
function ceilingLine(c: CeilingRates): string {
  const g = (x: number): string => `${(x / 1e9).toFixed(2)} G values/s`;
  const check = c.sameMse ? 'its MSE is QuantLens\'s to 1e-9' : 'ITS MSE DIFFERS FROM QUANTLENS\'S';
  return `ceiling, 1 core, one pass of the issue's int8 quantize-dequantize-MSE loop over the same values in WebAssembly memory: `
      + `float32 sum ${g(c.mseF32)} (its MSE ${c.f32Deviation.toExponential(0)} off QuantLens's, relative); f64 sum ${g(c.mseF64)} (${check}): `
      + `one of the five f64 sums of the table (e^2, x e, |e|/(|x|+eps), x, x^2) and no min/max pass, at ${ratio(c.mseF64 / TARGET_INT8_PER_CORE)} the 1,500 M target`;
}

function ggmlLines(rows: readonly GgmlComparison[]): { ratios: string[]; absolute: string[] } {
  const ratios = rows.map((r) => {
    const share = r.ours / r.c;
    return `${r.type.padEnd(7)} ${(100 * share).toFixed(0).padStart(4)} % of ggml's C (target ${100 * TARGET_GGML_SHARE_OF_C} %: ${verdict(share >= TARGET_GGML_SHARE_OF_C)})${r.sameBytes ? '' : ', BLOCKS DIFFER FROM THE C'}`;
  });
  const absolute = alignColumns([
    ['type', 'QuantLens M values/s', 'ggml C -O3 M values/s', 'same bytes'],
    ...rows.map((r) => [r.type, r.ours.toFixed(1), r.c.toFixed(1), r.sameBytes ? 'yes' : 'NO']),
  ], ['left', 'right', 'right', 'left']);
  return { ratios, absolute };
}

interface ProcessResult {
  readonly ours: ProcessRun;
  readonly notebook: ProcessRun | null;
  readonly bytes: number;
}

async function wholeProcess(dir: string, log: (s: string) => void): Promise<ProcessResult> {
  const file = path.join(dir, 'big.npy');
  const numel = await writeBigNpy(file);
  const ours = await bestProcess(PROCESS_REPEATS, process.execPath, [CLI, 'analyze', file, '--bits', '8', '--mode', 'symmetric', '--json']);
  let notebook: ProcessRun | null = null;
  if (existsSync(PYTHON)) notebook = await bestProcess(PROCESS_REPEATS, PYTHON, [TORCH_SCRIPT, '--notebook-file', file]).catch((e: unknown) => {
    log(`  notebook torch on the 1 GiB file failed: ${(e as Error).message.split('\n')[0]}`);
    return null;
  });
  await fs.rm(file, { force: true });
  return { ours, notebook, bytes: numel * 4 };
}

interface LlamaResult {
  readonly size: number;
  readonly filledBytes: number;
  /** With the file in the page cache, as the reference ("reading it from the page cache"). */
  readonly int: Measurement;
  /** The first int run, right after the file was written: the kernel zero-fills the pages of its holes as they are first read. */
  readonly intFirstRead: Measurement;
  /** The whole file read and nothing else, in the page cache. */
  readonly read: Measurement;
  /** The progressive first estimate of every tensor (over the pool's threads, as `analyze --progressive`). */
  readonly estimate: Measurement;
  readonly intFilled: Measurement;
  /** null with --no-sweep. */
  readonly sweep: Measurement | null;
  /** The sweep over the weight-like (filled) tensors alone: the rate a model of real weights would see; null with --no-sweep. */
  readonly sweepFilled: Measurement | null;
  /** The whole `quantlens plan` process over the sweep's types; null with --no-sweep. */
  readonly plan: PlanWholeResult | null;
}

async function llama(dir: string, withSweep: boolean): Promise<LlamaResult> {
  const file = path.join(dir, 'llama-7b.safetensors');
  const { size, filledBytes } = await writeLlama(file);
  const estimate = await child('llama', file, 'estimate');
  const intFirstRead = await child('llama', file, 'int');
  const read = await child('llama', file, 'read');
  const int = await child('llama', file, 'int');
  const intFilled = await child('llama', file, 'int', FILLED_TENSORS.source);
  const sweep = withSweep ? await child('llama', file, 'sweep') : null;
  const sweepFilled = withSweep ? await child('llama', file, 'sweep', FILLED_TENSORS.source) : null;
  const plan = withSweep ? await planWhole(CLI, file) : null;
  return { size, filledBytes, int, intFirstRead, read, estimate, intFilled, sweep, sweepFilled, plan };
}

function machine(): string {
  const cpu = os.cpus();
  return `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${cpu[0]?.model ?? 'unknown CPU'} · ${cpu.length} cores · `
    + `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB · node ${process.version} · load average ${os.loadavg()[0]!.toFixed(1)} at the start`;
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') return childMain(argv.slice(1));
  const log = (s: string): void => void process.stdout.write(s + '\n');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quantlens-bench-'));
  const started = machine();
  try {
    log(`QuantLens benchmark · ${started} · data in ${dir}`);
    const files = await writeBenchFiles(dir);
    const rows: Row[] = [];
    for (let i = 0; i < SCENARIOS.length; i++) {
      const s = SCENARIOS[i]!;
      log(`  ${s.category}: ${s.label} ...`);
      rows.push({ category: s.category, impl: s.label, ...(await child<Measurement>('scenario', String(i), JSON.stringify(files))) });
    }
    log('  ceiling loops: what one core can do here ...');
    const ceiling = await child<CeilingRates>('ceiling', JSON.stringify(files));
    if (!argv.includes('--no-torch')) {
      log('  torch and numpy ...');
      rows.push(...(await torchRows(files, log)));
    }
    const order = Object.values(CATEGORIES) as string[];
    rows.sort((a, b) => order.indexOf(a.category) - order.indexOf(b.category));
    log('  cancel latency ...');
    const cancel = await child('cancel', JSON.stringify(files));

    let ggml: GgmlComparison[] = [];
    const cMissing = ggmlCMissing();
    if (!argv.includes('--no-ggml')) {
      if (cMissing) log(`  ggml against C skipped: ${cMissing}`);
      else {
        log('  ggml quantizers: QuantLens and ggml\'s C reference ...');
        ggml = await compareGgml(dir, (d) => child<GgmlRate[]>('ggml', d));
      }
    }
    let processes: ProcessResult | null = null;
    if (!argv.includes('--no-process')) {
      log('  whole processes on a 1 GiB float32 tensor ...');
      processes = await wholeProcess(dir, log);
    }
    let llamaResult: LlamaResult | null = null;
    if (!argv.includes('--no-llama')) {
      log('  LLaMA-7B-shaped BF16 safetensors (sparse; some tensors filled with random weights) ...');
      llamaResult = await llama(dir, !argv.includes('--no-sweep'));
    }

    log('');
    log('== Ratios: QuantLens against its competitor in this run, with the issue\'s targets ==');
    for (const line of memoryRatios(rows)) log(line);
    log(ceilingLine(ceiling));
    const g = ggmlLines(ggml);
    for (const line of g.ratios) log(`ggml ${line}`);
    if (processes) {
      const { ours, notebook } = processes;
      if (notebook) {
        const x = notebook.seconds / ours.seconds;
        log(`whole process, 1 GiB float32, int8 per tensor: QuantLens ${ratio(x)} faster than the notebook's torch code (target ${TARGET_PROCESS_VS_NOTEBOOK}x: ${verdict(x >= TARGET_PROCESS_VS_NOTEBOOK)})`);
      }
    }
    if (llamaResult) {
      const { int, intFirstRead, read, estimate, sweep, sweepFilled } = llamaResult;
      const peakRss = Math.max(int.maxRssMB, intFirstRead.maxRssMB);
      log(`7B BF16 file, progressive: first estimate of every tensor ${estimate.seconds.toFixed(2)} s (target ${TARGET_ESTIMATE_SECONDS} s: ${verdict(estimate.seconds <= TARGET_ESTIMATE_SECONDS)}), `
        + `full pass ${int.seconds.toFixed(1)} s`);
      log(`7B BF16 file, int8+int4 sym+asym, ${LLAMA_THREADS} threads, the file in the page cache: ${int.seconds.toFixed(1)} s (target ${TARGET_LLAMA_SECONDS} s: ${verdict(int.seconds <= TARGET_LLAMA_SECONDS)}), `
        + `${ratio(int.seconds / read.seconds)} the bare read of the file (${read.seconds.toFixed(1)} s); peak RSS ${mb(peakRss)} (target ${TARGET_LLAMA_RSS_MB} MB: ${verdict(peakRss <= TARGET_LLAMA_RSS_MB)})`);
      log(`  the first run, right after the sparse file was written (the kernel zero-fills its holes' pages as they are first read): ${intFirstRead.seconds.toFixed(1)} s`);
      if (sweep) log(`7B BF16 file, ${SWEEP_FORMATS.join(',')} sweep, ${LLAMA_THREADS} threads: ${sweep.seconds.toFixed(1)} s (target ${TARGET_SWEEP_SECONDS} s: ${verdict(sweep.seconds <= TARGET_SWEEP_SECONDS)})`);
      if (sweep && sweepFilled) {
        // most of the file is zeros, which every quantizer settles fast: the filled tensors give the rate of real weights
        const rate = sweepFilled.elements / sweepFilled.seconds;
        log(`  of which the weight-like tensors alone (${(sweepFilled.elements / 1e9).toFixed(2)} of ${(sweep.elements / 1e9).toFixed(2)} G values): ${sweepFilled.seconds.toFixed(1)} s, `
          + `${(rate / 1e6).toFixed(1)} M values/s; a 7B of weight-like values throughout would take ${(sweep.elements / rate).toFixed(0)} s at that rate`);
      }
      if (llamaResult.plan) log(planWholeLine(llamaResult.plan, ggml, LLAMA_THREADS, TARGET_SWEEP_SECONDS));
    }
    log(`cancel: a running analysis (2 threads) rejected ${(cancel.seconds * 1000).toFixed(0)} ms after abort(), worst of 3 (target < ${TARGET_CANCEL_SECONDS * 1000} ms: ${verdict(cancel.seconds < TARGET_CANCEL_SECONDS)})`);

    log('');
    log(`== Absolute numbers · ${started} ==`);
    log('Same 4096 x 4096 float32 tensor (16.7 M elements) for all; best of 3 runs after a warm-up (baselines over 5 s: one run).');
    for (const line of table(rows)) log(line);
    if (ggml.length > 0) {
      log('');
      log(`ggml quantizers, 1 thread, CPU time, ${(2 ** 18 / 1e3).toFixed(0)} K weight-like values, best pass in 400 ms each:`);
      for (const line of g.absolute) log(line);
    }
    if (processes) {
      log('');
      const { ours, notebook, bytes } = processes;
      log(`Whole processes on one ${(bytes / 2 ** 30).toFixed(0)} GiB float32 tensor (.npy), int8 symmetric per tensor, every table figure, wall time (best of ${PROCESS_REPEATS}):`);
      const procRows = [['quantlens analyze --bits 8 --mode symmetric --json', `${ours.seconds.toFixed(2)} s`, mb(ours.maxRssMB)]];
      if (notebook) procRows.push(['the notebook\'s torch code (python, import torch, np.load, figures)', `${notebook.seconds.toFixed(2)} s`, mb(notebook.maxRssMB)]);
      for (const line of alignColumns([['process', 'time', 'peak RSS'], ...procRows], ['left', 'right', 'right'])) log(line);
    }
    if (llamaResult) {
      log('');
      const { size, filledBytes, int, intFirstRead, read, estimate, intFilled, sweep, sweepFilled } = llamaResult;
      const llamaRows: Row[] = [
        { category: `whole file, first estimate (${(estimate.elements / 1e6).toFixed(1)} M values sampled)`, impl: `int8+int4 sym+asym, pool of ${LLAMA_THREADS}`, ...estimate },
        { category: `whole file (${(size / 1e9).toFixed(1)} GB, 291 tensors, ${(int.elements / 1e9).toFixed(2)} G elements)`, impl: `int8+int4 sym+asym, pool of ${LLAMA_THREADS}`, ...int },
        { category: '', impl: `the same, first run after writing the file`, ...intFirstRead },
        { category: '', impl: 'reading the file, nothing else (1 thread, 8 MB reads)', ...read },
        { category: `random-filled tensors only (${(filledBytes / 1e9).toFixed(1)} GB)`, impl: `int8+int4 sym+asym, pool of ${LLAMA_THREADS}`, ...intFilled },
      ];
      if (sweep) llamaRows.push({ category: 'whole file', impl: `${SWEEP_FORMATS.join(',')}, pool of ${LLAMA_THREADS}`, ...sweep });
      if (sweepFilled) llamaRows.push({ category: `random-filled tensors only (${(filledBytes / 1e9).toFixed(1)} GB)`, impl: `${SWEEP_FORMATS.join(',')}, pool of ${LLAMA_THREADS}`, ...sweepFilled });
      for (const line of table(llamaRows)) log(line);
    }
  } finally {
    if (!argv.includes('--keep')) await fs.rm(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
