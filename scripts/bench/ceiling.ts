/**
 * What one core does here with the int8 quantize-dequantize-MSE loop (the loop behind its
 * 1.5 G values/s target), measured in the same run as QuantLens, over the bench tensor held in
 * WebAssembly memory (no copies; built from scripts/bench/ceiling/loops.ts into dist/ceiling.wasm):
 * with the squared error summed in float32 as that loop, and in f64 as the product sums every
 * figure of its table (its fidelity tests hold the sums to 1e-9). The f64 loop's MSE is checked
 * against QuantLens's, so it does the product's work for that one figure.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyzeTensorFast } from '../../src/core/analysis/engine/engine';
import { loadWasmKernels } from '../../src/core/analysis/engine/wasmKernels';
import { computeQParams } from '../../src/core/quant/affine/qparams';
import type { TensorEntry } from '../../src/core/tensor';
import { BENCH_NUMEL, BENCH_SHAPE, type BenchFiles } from './data';
import { INT8, loadTensor } from './scenarios';

/** Timed runs of each loop: the best is kept (the machine may be busy). */
const REPEATS = 5;
/** Byte layout of the loops' memory: results and constants, then the tensor. */
const OUT = 1024;
const DATA = 65536;
/** The f64 loop agrees with QuantLens when its MSE is within this relative distance (sums in another order). */
const SAME_MSE = 1e-9;
const PAGE_BYTES = 65536;
/** Values per iteration of the widest loop (two 4-lane vectors): the loops have no scalar tail. */
const LOOP_STEP = 8;

/** WebAssembly as this project's lib (ES2022, no DOM) lets it be named, as in src/core/analysis/engine/wasmKernels.ts. */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const WASM = (globalThis as unknown as { readonly WebAssembly: WasmApi }).WebAssembly;

interface Loops {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  minMax(x: number, n: number, out: number): void;
  mseF32(x: number, n: number, scale: number, out: number): void;
  mseF64(x: number, n: number, scale: number, out: number): void;
}

/** Values per second of the two loops (one pass, the scale given), and how their MSE compares with QuantLens's. */
export interface CeilingRates {
  readonly mseF32: number;
  readonly mseF64: number;
  /** The float32 sum's MSE relative to QuantLens's: what that loop's speed costs in exactness. */
  readonly f32Deviation: number;
  readonly sameMse: boolean;
}

function bestSeconds(run: () => void): number {
  run();
  let fastest = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    run();
    fastest = Math.min(fastest, (performance.now() - t0) / 1000);
  }
  return fastest;
}

/** QuantLens's int8-per-tensor MSE of the same values (the f64 loop's check). */
async function quantLensMse(x: Float32Array): Promise<number> {
  const entry: TensorEntry = {
    name: 'w', dtype: 'F32', shape: BENCH_SHAPE, numel: BENCH_NUMEL, byteLength: BENCH_NUMEL * 4, source: 'memory',
    data: { blockSize: 1, async read(start, count) { return x.subarray(start, start + count); } },
  };
  const [result] = (await analyzeTensorFast(entry, INT8, {}, loadWasmKernels())).results;
  if (!result) throw new Error('QuantLens gave no int8 result for the bench tensor');
  return result.mse;
}

export async function ceilingRates(files: BenchFiles): Promise<CeilingRates> {
  const bytes = readFileSync(path.join(__dirname, 'ceiling.wasm'));
  const loops = new WASM.Instance(new WASM.Module(bytes), {}).exports as unknown as Loops;
  const x = await loadTensor(files);
  const n = x.length;
  if (n % LOOP_STEP !== 0) throw new Error(`the ceiling loops take a multiple of ${LOOP_STEP} values, not ${n}`);
  const need = DATA + n * 4 - loops.memory.buffer.byteLength;
  if (need > 0) loops.memory.grow(Math.ceil(need / PAGE_BYTES));
  new Float32Array(loops.memory.buffer, DATA, n).set(x);
  const out = new Float64Array(loops.memory.buffer, OUT, 2);

  loops.minMax(DATA, n, OUT);
  const absMax = Math.max(-out[0]!, out[1]!);
  const { scale } = computeQParams(-absMax, absMax, 8, 'symmetric', 'lecture');
  const ours = await quantLensMse(x);
  const mseF32 = bestSeconds(() => loops.mseF32(DATA, n, scale, OUT));
  const f32Deviation = Math.abs(out[0]! - ours) / ours;
  const mseF64 = bestSeconds(() => loops.mseF64(DATA, n, scale, OUT));
  return { mseF32: n / mseF32, mseF64: n / mseF64, f32Deviation, sameMse: Math.abs(out[0]! - ours) <= SAME_MSE * ours };
}
