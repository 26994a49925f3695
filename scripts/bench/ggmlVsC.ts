/**
 * ggml's quantizers, QuantLens's ports against ggml's own C reference (quantize_row_*_ref of
 * ggml-quants.c, compiled here with gcc -O3 from shared/tools/llama.cpp/source), on the same
 * values, single-threaded, in CPU time. Each port's blocks are checked to be the C's, byte for byte.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import '../../src/core/quant/ggml/index';
import { ALL_GGML_TYPES } from '../../src/core/quant/ggml/index';
import { ggmlBenchWeights, quantizeRate } from './ggmlRates';

/** The repository root, seen from dist/bench.js. */
const ROOT = path.join(__dirname, '..');
/** ggml's sources (the llama.cpp commit of the reference tools); QUANTLENS_GGML_SOURCE overrides. */
const GGML_SOURCE = process.env.QUANTLENS_GGML_SOURCE ?? path.join(ROOT, '..', 'shared', 'tools', 'llama.cpp', 'source', 'ggml');
const HARNESS = path.join(ROOT, 'scripts', 'bench', 'ggml_c');
/** 2^18 values: a few hundred ms per pass for the slowest quantizer. */
export const GGML_VALUES = 1 << 18;
/** CPU time each side spends per type; its best pass counts. */
export const GGML_BUDGET_MS = 400;

export interface GgmlRate {
  readonly type: string;
  readonly mvps: number;
}

export interface GgmlComparison {
  readonly type: string;
  readonly ours: number;
  readonly c: number;
  readonly sameBytes: boolean;
}

function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(command)}: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

/** Why the C side cannot run here, or null. */
export function ggmlCMissing(): string | null {
  if (!existsSync(path.join(GGML_SOURCE, 'src', 'ggml-quants.c'))) return `ggml sources not found at ${GGML_SOURCE}`;
  return null;
}

/** Builds the harness with gcc -O3 into `dir`; writes the values; runs it; blocks land in dir/c. */
async function runC(dir: string, valuesFile: string): Promise<GgmlRate[]> {
  const binary = path.join(dir, 'ggml_quant_bench');
  await run('gcc', [
    '-O3', '-std=gnu11', '-w', `-I${HARNESS}`, `-I${path.join(GGML_SOURCE, 'include')}`, `-I${path.join(GGML_SOURCE, 'src')}`,
    path.join(HARNESS, 'ggml_quant_bench.c'), path.join(GGML_SOURCE, 'src', 'ggml-quants.c'), path.join(HARNESS, 'ggml_stubs.c'),
    '-lm', '-o', binary,
  ]);
  const out = path.join(dir, 'c');
  await fs.mkdir(out, { recursive: true });
  const lines = (await run(binary, [valuesFile, String(GGML_BUDGET_MS), out])).trim().split('\n');
  return lines.map((l) => JSON.parse(l) as GgmlRate);
}

/** QuantLens's side (run in a child process of the bench): each type the C harness times, blocks into dir/ours. */
export async function ggmlOurs(dir: string): Promise<GgmlRate[]> {
  const src = ggmlBenchWeights(GGML_VALUES);
  const out = path.join(dir, 'ours');
  await fs.mkdir(out, { recursive: true });
  const cTypes = new Set((await fs.readdir(path.join(dir, 'c'))).map((f) => path.basename(f, '.bin')));
  const rates: GgmlRate[] = [];
  for (const t of ALL_GGML_TYPES) {
    if (!t.quantize || !cTypes.has(t.name)) continue;
    const { mvps, blocks } = quantizeRate(t, src, GGML_BUDGET_MS);
    await fs.writeFile(path.join(out, `${t.name}.bin`), blocks);
    rates.push({ type: t.name, mvps });
  }
  return rates;
}

/** Both sides on the same values, the C first; `ours` runs QuantLens's side in its own process. */
export async function compareGgml(dir: string, ours: (dir: string) => Promise<GgmlRate[]>): Promise<GgmlComparison[]> {
  const valuesFile = path.join(dir, 'ggml-values.f32');
  const x = ggmlBenchWeights(GGML_VALUES);
  await fs.writeFile(valuesFile, new Uint8Array(x.buffer));
  const c = await runC(dir, valuesFile);
  const mine = new Map((await ours(dir)).map((r) => [r.type, r.mvps]));
  const rows: GgmlComparison[] = [];
  for (const r of c) {
    const oursRate = mine.get(r.type);
    if (oursRate === undefined) continue;
    const [a, b] = await Promise.all([fs.readFile(path.join(dir, 'ours', `${r.type}.bin`)), fs.readFile(path.join(dir, 'c', `${r.type}.bin`))]);
    rows.push({ type: r.type, ours: oursRate, c: r.mvps, sameBytes: a.equals(b) });
  }
  return rows;
}
