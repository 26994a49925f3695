/**
 * The scale test: a LLaMA-7B-shaped BF16 safetensors file (13.5 GB, 291 tensors) analysed whole,
 * int8 and int4 per tensor, symmetric and asymmetric, by the worker pool. The file is sparse
 * (scripts/sparse-llama.ts); all-zero tensors are the degenerate case, so a few tensors are
 * filled with weight-like random values by positional writes and also timed on their own.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { AnalysisOptions, Scheme } from '../../src/shared/analysisTypes';
import { AnalysisPool } from '../../src/worker/host/pool';
import { toBf16Bits, weights } from './data';

/** The repository root, seen from dist/bench.js. */
const ROOT = path.join(__dirname, '..');
import type { Measurement } from './scenarios';

/** Tensors given real (random) data: the embeddings, the head and every weight of the first layers. */
export const FILLED_TENSORS = /^(model\.embed_tokens|lm_head|model\.layers\.[0-3]\.(self_attn|mlp))\./;
/** Elements generated and written per positional write: 32 MB of BF16. */
const FILL_CHUNK = 1 << 24;

const int = (bits: number, mode: 'symmetric' | 'asymmetric'): Scheme => ({
  kind: 'int', bits, mode, granularity: 'tensor', groupSize: null, axis: 0, range: 'minmax', convention: 'lecture',
});
/** The CLI's default analysis: int8 and int4, symmetric and asymmetric, per tensor, the table's figures. */
const LLAMA_OPTIONS: AnalysisOptions = { schemes: [8, 4].flatMap((b) => [int(b, 'symmetric'), int(b, 'asymmetric')]), histogramBins: 128, tableOnly: true };
/** A format sweep to plan a model: the k-quants and q8_0. */
export const SWEEP_FORMATS = ['q4_k', 'q5_k', 'q6_k', 'q8_0'] as const;
const SWEEP_OPTIONS: AnalysisOptions = { schemes: SWEEP_FORMATS.map((format) => ({ kind: 'format', format })), histogramBins: 128, tableOnly: true };

/**
 * 'estimate': the progressive first estimate of every tensor (int8+int4 sym+asym) over the pool's
 * threads, as `analyze --progressive` does; 'read': the whole file read and nothing else (the
 * issue's reference for the int run: "reading it from the page cache").
 */
export type LlamaRun = 'int' | 'sweep' | 'estimate' | 'read';

/** The bare read's buffer: large sequential reads, as a fast reader of a file would take. */
const READ_BUFFER_BYTES = 8 << 20;

interface HeaderEntry {
  readonly dtype: string;
  readonly shape: number[];
  readonly data_offsets: [number, number];
}

/**
 * scripts/sparse-llama.ts run as the script it is (through tsx): bundled, its command-line entry
 * would take this process's arguments for an output path.
 */
export function writeSparseLlama(file: string): Promise<void> {
  const tsx = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [tsx, path.join(ROOT, 'scripts', 'sparse-llama.ts'), file], (error, _out, stderr) => {
      if (error) reject(new Error(`sparse-llama.ts: ${stderr || error.message}`));
      else resolve();
    });
  });
}

/** Writes the sparse file and fills FILLED_TENSORS; returns the file size and the bytes of real data. */
export async function writeLlama(file: string): Promise<{ size: number; filledBytes: number; filledElements: number }> {
  await writeSparseLlama(file);
  const size = (await fs.stat(file)).size;
  const handle = await fs.open(file, 'r+');
  try {
    const prefix = Buffer.alloc(8);
    await handle.read(prefix, 0, 8, 0);
    const headerLength = Number(prefix.readBigUInt64LE(0));
    const headerBytes = Buffer.alloc(headerLength);
    await handle.read(headerBytes, 0, headerLength, 8);
    const header = JSON.parse(headerBytes.toString('utf8')) as Record<string, HeaderEntry>;
    const dataStart = 8 + headerLength;
    let filledBytes = 0;
    let seed = 1;
    for (const [name, entry] of Object.entries(header)) {
      if (name === '__metadata__' || !FILLED_TENSORS.test(name)) continue;
      const [begin, end] = entry.data_offsets;
      for (let at = begin; at < end; at += FILL_CHUNK * 2) {
        const elements = Math.min(FILL_CHUNK, (end - at) / 2);
        const bits = toBf16Bits(weights(elements, seed++));
        await handle.write(new Uint8Array(bits.buffer), 0, bits.byteLength, dataStart + at);
      }
      filledBytes += end - begin;
    }
    // on disk before any run is timed: otherwise the first runs share the disk with 2 GB of writeback
    await handle.sync();
    return { size, filledBytes, filledElements: filledBytes / 2 };
  } finally {
    await handle.close();
  }
}

/**
 * Time from pressing Analyze (a cold pool: threads started, kernels compiled) to the first estimate
 * of all the file's tensors, spread over the pool's threads as `analyze --progressive` does;
 * `elements` counts the values sampled.
 */
async function estimateLlama(file: string, threads: number): Promise<Measurement> {
  const t0 = performance.now();
  const pool = new AnalysisPool({ workerScript: path.join(__dirname, 'worker.js'), threads });
  try {
    const estimates = await pool.estimate([file], LLAMA_OPTIONS);
    const seconds = (performance.now() - t0) / 1000;
    const elements = estimates.reduce((n, e) => n + e.sampledElements, 0);
    return { seconds, elements, inputBytes: elements * 2, maxRssMB: process.resourceUsage().maxRSS / 1024 };
  } finally {
    await pool.dispose();
  }
}

/** The file read from start to end in one thread, the bytes thrown away. */
async function readWhole(file: string): Promise<Measurement> {
  const handle = await fs.open(file, 'r');
  const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  try {
    const t0 = performance.now();
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, bytes);
      if (bytesRead === 0) break;
      bytes += bytesRead;
    }
    const seconds = (performance.now() - t0) / 1000;
    return { seconds, elements: bytes / 2, inputBytes: bytes, maxRssMB: process.resourceUsage().maxRSS / 1024 };
  } finally {
    await handle.close();
  }
}

/** One analysis of the file by a pool of `threads` (run in a child process, so its peak RSS is its own). */
export async function analyzeLlama(file: string, threads: number, run: LlamaRun, tensors?: string): Promise<Measurement> {
  if (run === 'estimate') return estimateLlama(file, threads);
  if (run === 'read') return readWhole(file);
  const pool = new AnalysisPool({ workerScript: path.join(__dirname, 'worker.js'), threads });
  const options = run === 'int' ? LLAMA_OPTIONS : SWEEP_OPTIONS;
  try {
    const t0 = performance.now();
    const report = await pool.analyze([file], tensors === undefined ? options : { ...options, tensors }, {});
    const seconds = (performance.now() - t0) / 1000;
    const elements = report.tensors.reduce((n, t) => n + t.numel, 0);
    return { seconds, elements, inputBytes: elements * 2, maxRssMB: process.resourceUsage().maxRSS / 1024 };
  } finally {
    await pool.dispose();
  }
}
