/** QuantLens's side of the benchmark: each scenario runs in its own process, so its peak RSS is its own. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { analyzeTensorFast } from '../../src/core/analysis/engine/engine';
import { affineRoundTripRun } from '../../src/core/quant/affine/affineKernel';
import { ERROR_BUCKETS, errorStatsChunk, newErrorAccumulator } from '../../src/core/metrics/errorStatsKernel';
import { newStatsAccumulator, STATS, statsChunk } from '../../src/core/metrics/statsKernel';
import { loadWasmKernels, regionBytes, type WasmKernels } from '../../src/core/analysis/engine/wasmKernels';
import { SuiteRun } from '../../src/core/analysis/engine/suiteRun';
import { computeQParams } from '../../src/core/quant/affine/qparams';
import type { DType } from '../../src/shared/vocab/dtypes';
import type { TensorEntry } from '../../src/core/tensor';
import type { AnalysisOptions, AnalysisProgress, Scheme } from '../../src/shared/analysisTypes';
import { AnalysisPool } from '../../src/worker/host/pool';
import { BENCH_NUMEL, BENCH_SHAPE, toBf16Bits, type BenchFiles } from './data';

export interface Measurement {
  readonly seconds: number;
  /** Elements of input processed in that time. */
  readonly elements: number;
  readonly inputBytes: number;
  readonly maxRssMB: number;
}

/** Repetitions per scenario: the best one is reported, as the machine may be busy with other work. */
const REPEATS = 3;
/** When the cancel-latency run aborts: this long after its first progress report, well into the analysis of the first tensors. */
const CANCEL_AFTER_MS = 300;
/** Elements per kernel call in the kernel-only scenarios (the engine's chunk). */
const KERNEL_CHUNK = 1 << 18;

const int = (bits: number, mode: 'symmetric' | 'asymmetric', extra: Partial<Scheme & { kind: 'int' }> = {}): Scheme => ({
  kind: 'int', bits, mode, granularity: 'tensor', groupSize: null, axis: 0, range: 'minmax', convention: 'lecture', ...extra,
});
/** The table's figures (the CLI's default), or those with histograms and error percentiles (--histograms). */
const TABLE = { histogramBins: 128, tableOnly: true } as const;
const HISTOGRAMS = { histogramBins: 128 } as const;
const SUITE_SCHEMES = [8, 4, 2].flatMap((b) => [int(b, 'symmetric'), int(b, 'asymmetric')]);
export const INT8: AnalysisOptions = { schemes: [int(8, 'symmetric')], ...TABLE };
export const SUITE: AnalysisOptions = { schemes: SUITE_SCHEMES, ...HISTOGRAMS };
export const SUITE_TABLE: AnalysisOptions = { schemes: SUITE_SCHEMES, ...TABLE };
const CHANNEL: AnalysisOptions = { schemes: [int(8, 'symmetric', { granularity: 'channel' }), int(8, 'asymmetric', { granularity: 'channel' })], ...TABLE };
const GROUP: AnalysisOptions = { schemes: [int(4, 'symmetric', { granularity: 'group', groupSize: 128 })], ...TABLE };

/** What is compared: the torch and numpy measurements carry the same category names. */
export const CATEGORIES = {
  int8: 'int8 per tensor',
  suiteTable: '8/4/2 sym+asym',
  suite: '8/4/2 sym+asym + histograms',
  channel: 'int8 per channel sym+asym',
  group: 'int4 per group 128',
  bf16: 'BF16 input, 8/4/2 suite',
} as const;

export interface Scenario {
  readonly category: string;
  readonly label: string;
  run(files: BenchFiles): Promise<Measurement>;
}

export const SCENARIOS: readonly Scenario[] = [
  { category: CATEGORIES.int8, label: 'QuantLens kernels, WebAssembly SIMD (1 thread, in memory)', run: kernelInt8Wasm },
  { category: CATEGORIES.int8, label: 'QuantLens kernels, TypeScript reference (1 thread, in memory)', run: kernelInt8Ts },
  { category: CATEGORIES.int8, label: 'QuantLens analyzeTensor (1 thread, in memory)', run: (f) => engine(f, 'F32', INT8) },
  { category: CATEGORIES.suiteTable, label: 'QuantLens analyzeTensor (1 thread, in memory)', run: (f) => engine(f, 'F32', SUITE_TABLE) },
  { category: CATEGORIES.suite, label: 'QuantLens analyzeTensor (1 thread, in memory)', run: (f) => engine(f, 'F32', SUITE) },
  { category: CATEGORIES.suite, label: 'QuantLens file -> report, pool of 1 thread', run: (f) => pool(f, 1) },
  { category: CATEGORIES.suite, label: 'QuantLens file -> report, pool of 2 threads', run: (f) => pool(f, 2) },
  { category: CATEGORIES.channel, label: 'QuantLens analyzeTensor (1 thread, in memory)', run: (f) => engine(f, 'F32', CHANNEL) },
  { category: CATEGORIES.group, label: 'QuantLens analyzeTensor (1 thread, in memory)', run: (f) => engine(f, 'F32', GROUP) },
  { category: CATEGORIES.bf16, label: 'QuantLens analyzeTensor (1 thread, in memory)', run: (f) => engine(f, 'BF16', SUITE_TABLE) },
];



async function best(run: () => Promise<void> | void): Promise<number> {
  await run(); // warm-up: JIT, page cache
  let fastest = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    await run();
    fastest = Math.min(fastest, (performance.now() - t0) / 1000);
  }
  return fastest;
}

function measured(seconds: number, elements: number, bytesPerElement: number): Measurement {
  return { seconds, elements, inputBytes: elements * bytesPerElement, maxRssMB: process.resourceUsage().maxRSS / 1024 };
}

export async function loadTensor(files: BenchFiles): Promise<Float32Array> {
  const bytes = await fs.readFile(files.npy);
  const headerLength = 10 + bytes.readUInt16LE(8);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset + headerLength, bytes.byteOffset + bytes.length));
}

function requireKernels(): WasmKernels {
  const kernels = loadWasmKernels();
  if (!kernels) throw new Error(`kernels.wasm not found next to ${__filename} (build with node esbuild.mjs)`);
  return kernels;
}

/** Pass 1 (stats) and pass 2 (int8 symmetric round trip and the table's error sums) over in-memory data, as the engine runs them. */
async function kernelInt8Wasm(files: BenchFiles): Promise<Measurement> {
  const x = await loadTensor(files);
  const lease = requireKernels().lease();
  lease.reserve(regionBytes(KERNEL_CHUNK, 4) + regionBytes(STATS.LENGTH, 8) + SuiteRun.bytes(1));
  const chunk = lease.f32(KERNEL_CHUNK);
  const stats = lease.f64(STATS.LENGTH);
  let min = Infinity;
  let max = -Infinity;
  for (const v of x) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const absMax = Math.max(-min, max);
  const suite = new SuiteRun(lease, [computeQParams(-absMax, absMax, 8, 'symmetric', 'lecture')], { min, max });
  const seconds = await best(() => {
    stats.view.set(newStatsAccumulator());
    for (let s = 0; s < x.length; s += KERNEL_CHUNK) {
      const part = x.subarray(s, s + KERNEL_CHUNK);
      chunk.view.set(part);
      lease.k.statsChunk(chunk.ptr, part.length, stats.ptr);
    }
    // All finite (as pass 1 found): the fused kernel, as the engine runs it (its qparams from the same absmax).
    for (let s = 0; s < x.length; s += KERNEL_CHUNK) {
      const part = x.subarray(s, s + KERNEL_CHUNK);
      chunk.view.set(part);
      suite.run(chunk.ptr, part.length);
    }
  });
  lease.release();
  return measured(seconds, x.length, 4);
}

/** The same two passes with the TypeScript reference kernels. */
async function kernelInt8Ts(files: BenchFiles): Promise<Measurement> {
  const x = await loadTensor(files);
  const chunkLength = 65536;
  const deq = new Float32Array(chunkLength);
  const errHist = new Float64Array(ERROR_BUCKETS);
  const seconds = await best(() => {
    const stats = newStatsAccumulator();
    for (let s = 0; s < x.length; s += chunkLength) {
      const part = x.subarray(s, s + chunkLength);
      statsChunk(part, part.length, stats);
    }
    const absMax = Math.max(-stats[STATS.MIN]!, stats[STATS.MAX]!);
    const p = computeQParams(-absMax, absMax, 8, 'symmetric', 'lecture');
    const acc = newErrorAccumulator();
    for (let s = 0; s < x.length; s += chunkLength) {
      const part = x.subarray(s, s + chunkLength);
      affineRoundTripRun(part, deq, 0, part.length, p.scale, p.zeroPoint, p.qmin, p.qmax, false);
      errorStatsChunk(part, deq, 0, part.length, acc, errHist);
    }
  });
  return measured(seconds, x.length, 4);
}

/** analyzeTensor's fast paths on an in-memory tensor (no file reads, the chunk copies included). */
async function engine(files: BenchFiles, dtype: DType, options: AnalysisOptions): Promise<Measurement> {
  let x = await loadTensor(files);
  if (dtype === 'BF16') {
    const bits = toBf16Bits(x);
    const widened = new Uint32Array(bits.length);
    for (let i = 0; i < bits.length; i++) widened[i] = bits[i]! << 16;
    x = new Float32Array(widened.buffer);
  }
  const values = x;
  const entry: TensorEntry = {
    name: 'w', dtype, shape: BENCH_SHAPE, numel: BENCH_NUMEL, byteLength: BENCH_NUMEL * 4, source: 'memory',
    data: { blockSize: 1, async read(start, count) { return values.subarray(start, start + count); } },
  };
  const kernels = requireKernels();
  const seconds = await best(async () => {
    await analyzeTensorFast(entry, options, {}, kernels);
  });
  return measured(seconds, BENCH_NUMEL, dtype === 'BF16' ? 2 : 4);
}

/** The whole product path: a file, the worker pool, every tensor, the report. */
async function pool(files: BenchFiles, threads: number): Promise<Measurement> {
  const workerScript = path.join(__dirname, 'worker.js');
  const p = new AnalysisPool({ workerScript, threads });
  try {
    const seconds = await best(async () => {
      await p.analyze([files.sharded], SUITE, {});
    });
    return measured(seconds, BENCH_NUMEL, 4);
  } finally {
    await p.dispose();
  }
}

/** Time from abort() to the rejection of a running analysis (the issue: under 200 ms), worst of a few tries. */
export async function cancelLatency(files: BenchFiles): Promise<Measurement> {
  const p = new AnalysisPool({ workerScript: path.join(__dirname, 'worker.js'), threads: 2 });
  try {
    let worst = 0;
    for (let r = 0; r < REPEATS; r++) {
      const stop = new AbortController();
      let started: () => void = () => undefined;
      const running = new Promise<void>((resolve) => { started = resolve; });
      const onProgress = (progress: AnalysisProgress): void => { if (progress.elementsDone > 0) started(); };
      const run = p.analyze([files.sharded], SUITE, { onProgress }, stop.signal).catch(() => undefined);
      // Threads start and read headers first (seconds on a loaded machine): cancel the analysis itself.
      await running;
      await new Promise((resolve) => setTimeout(resolve, CANCEL_AFTER_MS));
      const t0 = performance.now();
      stop.abort();
      await run;
      worst = Math.max(worst, (performance.now() - t0) / 1000);
    }
    return { seconds: worst, elements: 0, inputBytes: 0, maxRssMB: process.resourceUsage().maxRSS / 1024 };
  } finally {
    await p.dispose();
  }
}
