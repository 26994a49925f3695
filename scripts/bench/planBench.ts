/**
 * `npm run bench:plan` (built to dist/planBench.js, next to worker.js): planning a LLaMA-7B-shaped
 * BF16 model (the speed bench's 13.5 GB sparse safetensors, some tensors filled with random
 * weights, plus a config.json read off its shapes) for llama.cpp over q4_k,q5_k,q6_k,q8_0:
 *  - the candidate-error sweep (every planned tensor x candidate, the worker pool, no cache);
 *  - re-solving at other budgets from those errors (what the Plan view's slider does), per solve:
 *    median, p90 and max of RESOLVES budgets, without and with the stock presets as seeds (the CLI's);
 *  - the compressed-tensors int round trip on a BF16 4096 x 4096 tensor: WebAssembly against the TypeScript reference.
 * `--no-sweep` times the re-solves alone, in seconds: the file is only the header (the real 291
 * tensors, read as the converter maps them), the errors those of the real quantizers on slices of
 * the sample's trained weights (planSampleErrors.ts), over the four candidates and over
 * llama.cpp's default list. Prints the figures; the README's numbers are the lead's to paste.
 *
 *   node dist/planBench.js [--threads N] [--keep] [--no-sweep]
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadWasmKernels, regionBytes } from '../../src/core/analysis/engine/wasmKernels';
import { openModel } from '../../src/core/formats/registry';
import { candidateName, type Candidate } from '../../src/core/plan/costModel';
import { PLAN_INT_SCRATCH_BYTES } from '../../src/core/plan/errors/intRoundTripKernel';
import { modelErrors } from '../../src/core/plan/errors/modelErrors';
import { roundTripOf, type RoundTrip } from '../../src/core/plan/errors/roundTrip';
import { planErrorParams } from '../../src/core/plan/errors/planErrorRequest';
import type { ErrorTable } from '../../src/core/plan/errors/errorTable';
import { openLlamaModel } from '../../src/core/plan/llamaCpp/openLlamaModel';
import type { LlamaModel } from '../../src/core/plan/llamaCpp/planPreset';
import { stockPlans } from '../../src/core/plan/llamaCpp/stockPlans';
import { buildPlanProblem, candidatesFor } from '../../src/core/plan/solver/planProblem';
import { paretoOf, planAtBudget, smallestPlan } from '../../src/core/plan/solver/planAtBudget';
import { parseCandidateList, PLAN_TARGETS } from '../../src/core/plan/targets';
import { AnalysisPool } from '../../src/worker/host/pool';
import { writeLlama, writeSparseLlama } from './llama';
import { sampleErrorTable } from './planSampleErrors';

const TARGET = PLAN_TARGETS['llama.cpp'];
/** The benchmark set (a 7B's rows all fit the k-quants), not the target's wider default. */
const CANDIDATES = parseCandidateList(TARGET, 'q4_k,q5_k,q6_k,q8_0');
/** Budgets re-solved to time the slider: evenly over the front. */
const RESOLVES = 200;
/** LLaMA-7B's attention heads (config.json num_attention_heads; the file's shapes do not tell). */
const LLAMA_HEADS = 32;
/** The bound for a re-plan at another budget. */
const TARGET_RESOLVE_MS = 100;

/** config.json as transformers writes it, read off the file's own shapes (the planner reads the architecture and counts). */
async function writeConfig(dir: string, file: string): Promise<void> {
  const model = await openModel([file]);
  await model.close();
  const shape = (name: string): readonly number[] => model.tensors.find((t) => t.name === name)!.shape;
  const [vocab, hidden] = shape('model.embed_tokens.weight');
  const [intermediate] = shape('model.layers.0.mlp.gate_proj.weight');
  const layers = model.tensors.filter((t) => /^model\.layers\.\d+\.mlp\.gate_proj\.weight$/.test(t.name)).length;
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({
    architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: hidden, intermediate_size: intermediate,
    num_hidden_layers: layers, num_attention_heads: LLAMA_HEADS, num_key_value_heads: LLAMA_HEADS, vocab_size: vocab, torch_dtype: 'bfloat16',
  }));
}

interface ResolveTimes {
  readonly buildMs: number;
  readonly pareto: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly maxMs: number;
}

/** Builds the problem (with the stock presets as seeds, as the CLI does, or without, as the Plan view does), then solves at RESOLVES budgets over the front. */
function timeResolves(model: LlamaModel, candidates: readonly Candidate[], errors: ErrorTable, seeded: boolean): ResolveTimes {
  const started = performance.now();
  const problem = buildPlanProblem(model.tensors, candidates, errors, TARGET, 1, seeded ? stockPlans(model, false) : []);
  const pareto = paretoOf(problem);
  const buildMs = performance.now() - started;
  const low = smallestPlan(problem).bytes;
  const high = pareto[pareto.length - 1]!.bytes;
  const times: number[] = [];
  for (let k = 0; k < RESOLVES; k++) {
    const t = performance.now();
    planAtBudget(problem, { bytes: Math.round(low + ((high - low) * k) / (RESOLVES - 1)) }, pareto);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(RESOLVES - 1, Math.floor(q * RESOLVES))]!;
  return { buildMs, pareto: pareto.length, medianMs: at(0.5), p90Ms: at(0.9), maxMs: times[RESOLVES - 1]! };
}

function resolveLine(model: LlamaModel, candidates: readonly Candidate[], errors: ErrorTable, seeded: boolean): string {
  const r = timeResolves(model, candidates, errors, seeded);
  const ms = (v: number): string => v.toFixed(2);
  return `  ${candidates.length} candidates (${candidates.map(candidateName).join(',').toLowerCase()}), ${seeded ? 'stock presets as seeds (CLI)' : 'no seeds (Plan view)'}: `
    + `problem + front${seeded ? ' + the stock presets\' plans' : ''} ${ms(r.buildMs)} ms once (${r.pareto} front points); re-solve of ${RESOLVES} budgets median ${ms(r.medianMs)} ms, p90 ${ms(r.p90Ms)} ms, max ${ms(r.maxMs)} ms`
    + ` (target < ${TARGET_RESOLVE_MS} ms: p90 ${r.p90Ms < TARGET_RESOLVE_MS ? 'met' : 'MISSED'}, max ${r.maxMs < TARGET_RESOLVE_MS ? 'met' : 'missed'})`;
}

/** llm-compressor's int candidates timed on one BF16 tensor of a 7B's 4096 x 4096, in the plan's chunks of 256 rows. */
const INT_RATE_ROWS = 4096;
const INT_RATE_ROW = 4096;
const INT_RATE_CHUNK_ROWS = 256;
const INT_RATE_CANDIDATES = parseCandidateList(PLAN_TARGETS['llm-compressor'], 'int4_g128,int8_ch');
/** Interleaved runs of each path; the best counts (a shared, noisy machine). */
const INT_RATE_RUNS = 3;

/** Seconds for one round trip of every chunk of x (the chunks' values at x's offsets in `deq`). */
function timeChunks(roundTrip: RoundTrip, x: Float32Array, deq: Float32Array, chunk: number): number {
  const started = performance.now();
  for (let from = 0; from < x.length; from += chunk) roundTrip(x, deq, from, Math.min(from + chunk, x.length));
  return (performance.now() - started) / 1000;
}

/**
 * The compressed-tensors round trip's rate (every op rounded to bf16) on a BF16 4096 x 4096 tensor
 * of weight-like values, its WebAssembly kernel against the TypeScript reference, same run.
 */
function intRoundTripLines(log: (line: string) => void): void {
  const n = INT_RATE_ROWS * INT_RATE_ROW;
  const chunk = INT_RATE_CHUNK_ROWS * INT_RATE_ROW;
  const kernels = loadWasmKernels();
  if (kernels === null) {
    log('  int round trips: no kernels.wasm next to the bundle, not timed');
    return;
  }
  const lease = kernels.lease();
  try {
    lease.reserve(2 * regionBytes(n, 4) + regionBytes(PLAN_INT_SCRATCH_BYTES, 1));
    const x = lease.f32(n);
    const deq = lease.f32(n);
    const scratch = lease.f32(PLAN_INT_SCRATCH_BYTES / 4).ptr;
    // weight-like values (about 0.02 wide, a few larger), rounded to bf16 as the checkpoint holds them
    let s = 12345;
    const bits = new Uint32Array(x.view.buffer, x.ptr, n);
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      x.view[i] = ((s / 2 ** 32) - 0.5) * (i % 97 === 0 ? 0.5 : 0.05);
      bits[i] = (bits[i]! >>> 16) << 16;
    }
    const plain = { x: x.view.slice(), deq: new Float32Array(n) };
    const rate = (seconds: number): string => `${(n / seconds / 1e6).toFixed(0)} M values/s`;
    const bestOf = (time: () => number, best: number): number => Math.min(best, time());
    const lines = INT_RATE_CANDIDATES.map((candidate) => {
      const reference = roundTripOf(candidate, INT_RATE_ROW, null, 'BF16');
      const kernel = roundTripOf(candidate, INT_RATE_ROW, null, 'BF16', { lease, scratch });
      let bestReference = Infinity;
      let bestKernel = Infinity;
      for (let run = 0; run < INT_RATE_RUNS; run++) {
        bestReference = bestOf(() => timeChunks(reference, plain.x, plain.deq, chunk), bestReference);
        bestKernel = bestOf(() => timeChunks(kernel, x.view, deq.view, chunk), bestKernel);
      }
      return { candidate, reference, bestReference, bestKernel };
    });
    // A worker that has priced tensors of other float types runs the reference's per-op rounding polymorphic: much slower.
    for (const other of ['F32', 'F16']) for (const candidate of INT_RATE_CANDIDATES) timeChunks(roundTripOf(candidate, INT_RATE_ROW, null, other), plain.x, plain.deq, chunk);
    for (const { candidate, reference, bestReference, bestKernel } of lines) {
      let afterOthers = Infinity;
      for (let run = 0; run < INT_RATE_RUNS; run++) afterOthers = bestOf(() => timeChunks(reference, plain.x, plain.deq, chunk), afterOthers);
      log(`  compressed-tensors ${candidateName(candidate).toLowerCase()} round trip, BF16 ${INT_RATE_ROWS} x ${INT_RATE_ROW} (every op rounded to bf16), best of ${INT_RATE_RUNS}: `
        + `WebAssembly ${rate(bestKernel)}; TypeScript reference ${rate(bestReference)} (${(bestReference / bestKernel).toFixed(1)}x the time) while only BF16 was priced, `
        + `${rate(afterOthers)} (${(afterOthers / bestKernel).toFixed(1)}x) once F32 and F16 tensors were too`);
    }
  } finally {
    lease.release();
  }
}

const loadLine = (): string => `load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores, ${new Date().toISOString()}`;

/** --no-sweep: the header-only 7B file, errors from the sample's slices, both candidate lists. */
async function resolvesOnly(dir: string, log: (line: string) => void): Promise<void> {
  await writeSparseLlama(path.join(dir, 'model.safetensors'));
  await writeConfig(dir, path.join(dir, 'model.safetensors'));
  const model = await openLlamaModel([dir]);
  for (const candidates of [CANDIDATES, TARGET.defaultCandidates]) {
    const { table, slices } = await sampleErrorTable(model.tensors.filter((t) => TARGET.notPlanned(t) === null), (t) => candidatesFor(TARGET, t, candidates));
    log(`7B-shaped plan (${model.tensors.length} tensors), errors of the real quantizers on ${slices} slices of the sample's trained weights:`);
    for (const seeded of [false, true]) log(resolveLine(model, candidates, table, seeded));
  }
  intRoundTripLines(log);
  log(`  ${loadLine()}`);
}

async function main(argv: readonly string[]): Promise<void> {
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const threadsAt = argv.indexOf('--threads');
  const threads = threadsAt >= 0 ? Number(argv[threadsAt + 1]) : Math.min(2, os.availableParallelism());
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'quantlens-planbench-'));
  try {
    if (argv.includes('--no-sweep')) {
      await resolvesOnly(dir, log);
      return;
    }
    const file = path.join(dir, 'model.safetensors');
    log(`plan bench: writing the LLaMA-7B-shaped BF16 file in ${dir} ...`);
    await writeLlama(file);
    await writeConfig(dir, file);
    const model = await openLlamaModel([dir]);
    const pool = new AnalysisPool({ workerScript: path.join(__dirname, 'worker.js'), threads });
    let errors: ErrorTable;
    try {
      const started = performance.now();
      const result = await modelErrors({
        paths: [dir], model, planned: (t) => TARGET.notPlanned(t) === null, candidatesOf: () => CANDIDATES,
        bytesOf: (c, t) => TARGET.bytesOf(c, t), imatrixFile: null, cacheDir: null, concurrency: threads,
        run: (request, signal, onElements) => pool.planErrors(planErrorParams([dir], TARGET.name, request), onElements, signal),
      });
      const seconds = (performance.now() - started) / 1000;
      const values = model.tensors.filter((t) => TARGET.notPlanned(t) === null).reduce((n, t) => n + t.numel, 0);
      log(`7B BF16 file, plan error sweep over ${CANDIDATES.length} candidates (q4_k,q5_k,q6_k,q8_0), ${threads} threads: ${seconds.toFixed(1)} s`
        + ` (${((values * CANDIDATES.length) / seconds / 1e6).toFixed(0)} M value-candidates/s)`);
      errors = result.table;
    } finally {
      await pool.dispose();
    }
    log(`7B-shaped plan (${model.tensors.length} tensors), errors of the sweep:`);
    for (const seeded of [false, true]) log(resolveLine(model, CANDIDATES, errors, seeded));
    intRoundTripLines(log);
    log(`  ${loadLine()}`);
  } finally {
    if (!argv.includes('--keep')) await fs.rm(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((e: Error) => {
  process.stderr.write(`planBench: ${e.message}\n`);
  process.exitCode = 1;
});
