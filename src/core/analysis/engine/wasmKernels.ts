/**
 * Loader and memory layout for the WebAssembly SIMD kernels (src/wasm/kernels.ts, built by
 * esbuild.mjs into kernels.wasm next to the bundle). The kernels work on pointers into the
 * module's own memory: a lease hands out typed-array views of that memory, so the analysis
 * fills and reads them directly, with no copy per call.
 *
 * They replace the TypeScript reference kernels, and are tested against them: pass 1
 * statsChunk / minMaxRun (metrics/statsKernel.ts) and histogramChunk (metrics/histogramKernel.ts);
 * pass 2 a round trip (quant/affine/affineKernel.ts affineRoundTripRun) then errorStatsChunk
 * (metrics/errorStatsKernel.ts) and histogramChunk. Ranges are [from, to); non-finite x are
 * skipped by every accumulator and copied through by every round trip; accumulators are only
 * ever added to.
 *
 * A lease belongs to one analysis at a time; memory grows only when a lease starts (growing
 * detaches every view, and no views of a finished lease are used again).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Where the build puts the module: next to the bundle that loads it (dist/worker.js, dist/cli.js). */
export const KERNELS_WASM_FILE = 'kernels.wasm';
/** QUANTLENS_KERNELS=ts forces the TypeScript reference kernels (benchmarks, debugging). */
export const KERNELS_ENV = 'QUANTLENS_KERNELS';

const PAGE_BYTES = 65536;
/** SIMD loads want 16-byte alignment; typed arrays want their element size. */
const ALIGN = 16;

/** The slice of the WebAssembly JS API used here (the project's lib settings carry no DOM types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmModule {
  readonly kind?: 'module';
}
/** Compiled kernels: structured-cloneable, so a pool compiles once and hands the module to its threads. */
export type KernelModule = WasmModule;
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Instance: new (module: WasmModule, imports: object) => { readonly exports: unknown };
}
const WASM = (globalThis as unknown as { readonly WebAssembly: WasmApi }).WebAssembly;

interface KernelExports {
  readonly memory: WasmMemory;
  statsChunk(x: number, n: number, acc: number): void;
  minMaxRun(x: number, from: number, to: number, out: number, index: number): void;
  histogramChunk(x: number, from: number, to: number, lo: number, hi: number, counts: number, bins: number, flags: number): void;
  affineErrorRun(
    x: number, from: number, to: number,
    scale: number, zeroPoint: number, qmin: number, qmax: number, multiplyByInverse: number,
    acc: number, errHist: number, codes: number, deqCounts: number, bins: number, lo: number, hi: number, binEach: number,
  ): number;
  /** affineErrorRun for all-finite data whose deq cannot overflow; leaves SUM_SQ_X to the caller (sumSquares). */
  affineErrorRunFinite(
    x: number, from: number, to: number,
    scale: number, zeroPoint: number, qmin: number, qmax: number, multiplyByInverse: number,
    acc: number, errHist: number, codes: number, deqCounts: number, bins: number, lo: number, hi: number, binEach: number,
  ): number;
  sumSquares(x: number, n: number): number;
  /** errorStatsChunk without error buckets: the ERR sums of (x[i], deq[i]), i in [0, n). */
  errorSums(x: number, deq: number, n: number, acc: number): void;
  /** Plan errors' weighted squared-error sums over whole rows (src/core/plan/errors/squaredErrors.ts); q or w 0: none. */
  planSquares(x: number, q: number, w: number, rows: number, rowLength: number): number;
  /** Plan int round trips that round every op to the model's float (src/core/plan/errors/intRoundTripKernel.ts). */
  planIntRoundTrip(x: number, deq: number, n: number, run: number, convention: number, model: number, bits: number, asymmetric: number, min: number, max: number, scratch: number): void;
  /** Table metrics of several per-tensor schemes in one read of each tile (SUITE_* layouts below). */
  affineSuiteFinite(x: number, n: number, params: number, schemes: number, accs: number, scratch: number): void;
}

/** A float32 buffer in kernel memory: `ptr` for the kernels, `view` for JS. */
export interface F32Region {
  readonly ptr: number;
  readonly view: Float32Array;
}

export interface F64Region {
  readonly ptr: number;
  readonly view: Float64Array;
}

export interface U32Region {
  readonly ptr: number;
  readonly view: Uint32Array;
}

/** affineErrorRun's error buckets: 2^16 plus a scratch slot, u32 (a tensor has < 2^32 elements). */
export const WASM_ERROR_BUCKET_SLOTS = 65537;
/** affineErrorRun's code tables: 4 lanes of 256 codes plus a scratch slot, u32. */
export const WASM_CODE_SLOTS = 4 * 257;
/** affineSuiteFinite's scheme record: scale, zero point, qmin, qmax (f32), flags (i32, SUITE_FLAGS), then 3 slots the kernel writes its loop constants to; in f32 slots. */
export const SUITE_RECORD_SLOTS = 8;
/** affineSuiteFinite's record flags (src/wasm/kernels.ts SUITE_MULTIPLY_BY_INVERSE, SUITE_NO_CLIP). */
export const SUITE_FLAGS = {
  /** The round trip multiplies by f32(1/scale) (torch) instead of dividing. */
  MULTIPLY_BY_INVERSE: 1,
  /** No value of the data can clip: no clamp and no clip count (the clipped count stays 0). */
  NO_CLIP: 2,
} as const;
/**
 * affineSuiteFinite's accumulators per scheme, in f64 slots: the ERR layout (its sums of deq^2 and
 * x deq left 0), the clipped count, the sum of x (x - deq).
 */
export const SUITE_ACC_SLOTS = 10;
export const SUITE_ACC_CLIPPED = 8;
export const SUITE_ACC_SUM_X_ERR = 9;
/** affineSuiteFinite's scratch: a tile of 512 values widened to f64 with their 1/(|x| + eps), in f64 slots. */
export const SUITE_SCRATCH_SLOTS = 512 * 2;
/** Address 0 is never a region (the lease starts past it), so kernels take 0 for "no such buffer". */
export const NO_REGION = 0;

/** One instance of the module, lent to one analysis at a time. */
export class KernelLease {
  private top = 0;
  private reserved = 0;

  constructor(
    private readonly exports: KernelExports,
    private readonly onRelease: (lease: KernelLease) => void,
  ) {}

  /** Starts a layout of at most `bytes` (sum of regionBytes): earlier views are dead from here on. */
  reserve(bytes: number): void {
    const total = ALIGN + bytes;
    const have = this.exports.memory.buffer.byteLength;
    if (total > have) this.exports.memory.grow(Math.ceil((total - have) / PAGE_BYTES));
    // Regions start past NO_REGION.
    this.top = ALIGN;
    this.reserved = total;
  }

  f32(length: number): F32Region {
    const ptr = this.take(length * 4);
    return { ptr, view: new Float32Array(this.exports.memory.buffer, ptr, length) };
  }

  /** Zero-filled (accumulators and counts start at zero). */
  f64(length: number): F64Region {
    const ptr = this.take(length * 8);
    const view = new Float64Array(this.exports.memory.buffer, ptr, length);
    view.fill(0);
    return { ptr, view };
  }

  /** Zero-filled. */
  u32(length: number): U32Region {
    const ptr = this.take(length * 4);
    const view = new Uint32Array(this.exports.memory.buffer, ptr, length);
    view.fill(0);
    return { ptr, view };
  }

  get k(): KernelExports {
    return this.exports;
  }

  release(): void {
    this.onRelease(this);
  }

  private take(bytes: number): number {
    const ptr = this.top;
    const next = ptr + Math.ceil(bytes / ALIGN) * ALIGN;
    if (next > this.reserved) throw new RangeError(`kernel memory layout exceeds its reservation of ${this.reserved} bytes`);
    this.top = next;
    return ptr;
  }
}

/** Bytes a region of `length` elements of `width` bytes takes in a lease, alignment included. */
export function regionBytes(length: number, width: number): number {
  return Math.ceil((length * width) / ALIGN) * ALIGN;
}

/** Compiled module and idle instances; instances are made on demand (one per concurrent analysis). */
export class WasmKernels {
  private readonly idle: KernelLease[] = [];

  constructor(readonly module: KernelModule) {}

  /** Compiles the module (throws when it does not validate, e.g. without SIMD support). */
  static fromBytes(bytes: Uint8Array): WasmKernels {
    return new WasmKernels(compile(bytes));
  }

  lease(): KernelLease {
    const idle = this.idle.pop();
    if (idle) return idle;
    const instance = new WASM.Instance(this.module, {});
    // The exports are those of src/wasm/kernels.ts, checked by the kernel tests.
    return new KernelLease(instance.exports as KernelExports, (l) => this.idle.push(l));
  }
}

let compilations = 0;

/** Compilations of the kernels in this thread so far (a pool compiles once and its threads never: tests count). */
export function kernelCompilations(): number {
  return compilations;
}

function compile(bytes: Uint8Array): KernelModule {
  compilations++;
  return new WASM.Module(bytes);
}

/**
 * The kernels in `file` compiled, or null when the file is missing, fails to compile (no SIMD
 * support), or QUANTLENS_KERNELS=ts asks for the reference.
 */
export function compileKernelsFile(file: string): KernelModule | null {
  if (process.env[KERNELS_ENV] === 'ts') return null;
  try {
    return compile(readFileSync(file));
  } catch {
    // Not built (running from sources) or not supported here: the TypeScript kernels serve.
    return null;
  }
}

let loaded: WasmKernels | null | undefined;

/** This thread's kernels from a module compiled elsewhere (the pool's host), or none (null): nothing is compiled here. */
export function useKernelModule(module: KernelModule | null): void {
  loaded = module ? new WasmKernels(module) : null;
}

/**
 * This thread's kernels: those useKernelModule gave, or else kernels.wasm next to the running
 * bundle compiled on first use (null when compileKernelsFile gives none). Loaded once per thread.
 */
export function loadWasmKernels(): WasmKernels | null {
  if (loaded === undefined) {
    const module = compileKernelsFile(path.join(__dirname, KERNELS_WASM_FILE));
    loaded = module ? new WasmKernels(module) : null;
  }
  return loaded;
}
