/**
 * The whole `quantlens plan` process on the 7B-shaped file, as a user runs it (issue 9: planned over
 * q4_k,q5_k,q6_k,q8_0 within the speed issue's 90 s): node started, the file opened, every planned
 * tensor read and priced under the four types by the worker pool (no cache), solved and printed.
 * Wall time and peak RSS by GNU time. Its competitor in the same run: the time ggml's own C
 * reference (gcc -O3, the rates ggmlVsC.ts measured on weight-like values) needs only to quantize
 * the file's weight-like values into the same four types on as many threads: no reading, no
 * dequantizing, no error sums, and its all-zero tensors not counted (a lower bound for C).
 */
import { openModel } from '../../src/core/formats/registry';
import type { GgmlComparison } from './ggmlVsC';
import { FILLED_TENSORS, SWEEP_FORMATS } from './llama';
import { timeProcess, type ProcessRun } from './wholeProcess';

/** The budget point; any budget prices the same candidates, so the time does not depend on it. */
const PLAN_BUDGET_BPW = '5';

/** `quantlens plan FILE --target llama.cpp --candidates q4_k,q5_k,q6_k,q8_0 --no-cache`, timed from outside (one run: it takes minutes). */
export function planWholeProcess(cli: string, file: string): Promise<ProcessRun> {
  return timeProcess(process.execPath, [
    cli, 'plan', file, '--target', 'llama.cpp', '--candidates', SWEEP_FORMATS.join(','), '--budget-bpw', PLAN_BUDGET_BPW, '--no-cache', '--json',
  ]);
}

/** Values the plan prices (every tensor of 2 or more dimensions: norms are kept as they are), and those of them that are weight-like (not all zero). */
export async function plannedValues(file: string): Promise<{ values: number; weightLike: number }> {
  const model = await openModel([file]);
  try {
    const planned = model.tensors.filter((t) => t.shape.length >= 2);
    const sum = (tensors: typeof planned): number => tensors.reduce((n, t) => n + t.numel, 0);
    return { values: sum(planned), weightLike: sum(planned.filter((t) => FILLED_TENSORS.test(t.name))) };
  } finally {
    await model.close();
  }
}

/**
 * Seconds ggml's C reference needs to quantize `values` into each of the sweep's types on `threads`
 * threads, from its single-thread rates; null when the run has no C rate for one of them.
 */
export function cQuantizeSeconds(values: number, rates: readonly GgmlComparison[], threads: number): number | null {
  let seconds = 0;
  for (const format of SWEEP_FORMATS) {
    const rate = rates.find((r) => r.type === format.toUpperCase());
    if (!rate) return null;
    seconds += values / (rate.c * 1e6);
  }
  return seconds / threads;
}

export interface PlanWholeResult {
  readonly run: ProcessRun;
  /** Values priced (each under every type). */
  readonly values: number;
  /** Of those, the values of the tensors filled with weight-like data. */
  readonly weightLike: number;
}

/** Times the plan of `file` with the CLI `cli` (dist/cli.js). */
export async function planWhole(cli: string, file: string): Promise<PlanWholeResult> {
  return { run: await planWholeProcess(cli, file), ...(await plannedValues(file)) };
}

/** The bench's line: the plan's wall time against the target, and ggml's C on the same work. */
export function planWholeLine(result: PlanWholeResult, rates: readonly GgmlComparison[], threads: number, targetSeconds: number): string {
  const { run, values, weightLike } = result;
  const c = cQuantizeSeconds(weightLike, rates, threads);
  const competitor = c === null ? 'no C rates in this run (--no-ggml)'
    : `ggml's C reference needs at least ${c.toFixed(1)} s on ${threads} threads only to quantize the file's ${(weightLike / 1e9).toFixed(2)} G weight-like values `
      + `(of ${(values / 1e9).toFixed(2)} G planned) into the 4 types, at its rate on weight-like values: QuantLens's whole plan takes ${(run.seconds / c).toFixed(2)}x that`;
  return `plan of the 7B file over ${SWEEP_FORMATS[0]}..${SWEEP_FORMATS[SWEEP_FORMATS.length - 1]}: ${run.seconds.toFixed(1)} s (target ${targetSeconds} s: ${run.seconds <= targetSeconds ? 'met' : 'MISSED'}), `
    + `peak RSS ${run.maxRssMB.toFixed(0)} MB, whole process (quantlens plan --no-cache); ${competitor}`;
}
