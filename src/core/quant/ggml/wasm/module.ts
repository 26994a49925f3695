/** The SIMD kernels (fits and final levels), assembled and compiled once on first use, and their memory. */
import { encodeModule, type Func } from './asm';
import { CHUNK, FLAGS, IN, LEVEL_BYTES, LEVELS, MINS, PAGES, SCALES, type LevelLayout } from './lanes';
import { iq4Kernel } from './iq4fit';
import { iq4LevelsKernel, levelsKernel, mxfp4LevelsKernel } from './levels';
import { qkx2Kernel, type Qkx2Params } from './qkx2';
import { legacyAffineKernel, legacySymmetricKernel, q8Kernel } from './legacy';
import { GGML_LAYOUTS } from '../../../../shared/vocab/ggmlTypes';
import { q3Kernel, qxKernel } from './signed';
import { dequantKernel } from './dequant';
import { finiteKernel } from './finite';

/** Whole ggml blocks but their headers: levels after each block's fp16 d (and m), and the fifth bits for 5 bits. */
const Q4_0_BLOCKS: LevelLayout = { stride: GGML_LAYOUTS.Q4_0.typeSize, offset: 2, pack: 'nibbles' };
const Q4_1_BLOCKS: LevelLayout = { stride: GGML_LAYOUTS.Q4_1.typeSize, offset: 4, pack: 'nibbles' };
const Q5_0_BLOCKS: LevelLayout = { stride: GGML_LAYOUTS.Q5_0.typeSize, offset: 6, pack: 'fifthBits' };
const Q5_1_BLOCKS: LevelLayout = { stride: GGML_LAYOUTS.Q5_1.typeSize, offset: 8, pack: 'fifthBits' };
const Q8_0_BLOCKS: LevelLayout = { stride: GGML_LAYOUTS.Q8_0.typeSize, offset: 2, pack: 'bytes' };
/** One level byte per value, as the fits and the k-quants' levels kernels leave them. */
const PLAIN_16: LevelLayout = { stride: 16, offset: 0, pack: 'bytes' };
const PLAIN_32: LevelLayout = { stride: 32, offset: 0, pack: 'bytes' };

/** ggml's rdelta 0.1f. */
const POINT_ONE = Math.fround(0.1);

/** Kernel parameters per caller, built into its code. // ggml: quantize_row_*_ref */
export const KERNELS = {
  q2_K: qkx2Spec({ name: 'q2_K', n: 16, nmax: 3, rmin: -0.5, rdelta: POINT_ONE, nstep: 15, mad: true, rmsWeights: false }),
  q4_K: qkx2Spec({ name: 'q4_K', n: 32, nmax: 15, rmin: -1, rdelta: POINT_ONE, nstep: 20, mad: false, rmsWeights: true }),
  q5_K: qkx2Spec({ name: 'q5_K', n: 32, nmax: 31, rmin: -0.5, rdelta: POINT_ONE, nstep: 15, mad: false, rmsWeights: true }),
  q3_K: { n: 16, build: () => q3Kernel('q3_K', 16, 4) },
  q6_K: { n: 16, build: () => qxKernel('q6_K', 16, 32) },
  /** IQ4_NL's reference tries no extra scales, IQ4_XS's tries 7 each side. */
  iq4_nl: { n: 32, build: () => iq4Kernel('iq4_nl', -1) },
  iq4_xs: { n: 32, build: () => iq4Kernel('iq4_xs', 7) },
  q4_0: { n: 32, build: () => legacySymmetricKernel('q4_0', 8, Q4_0_BLOCKS) },
  q5_0: { n: 32, build: () => legacySymmetricKernel('q5_0', 16, Q5_0_BLOCKS) },
  q4_1: { n: 32, build: () => legacyAffineKernel('q4_1', 15, true, Q4_1_BLOCKS) },
  q5_1: { n: 32, build: () => legacyAffineKernel('q5_1', 31, false, Q5_1_BLOCKS) },
  q8_0: { n: 32, build: () => q8Kernel('q8_0', Q8_0_BLOCKS) },
  /** The last pass: levels against the quantized scales (and offsets). */
  q2_K_levels: { n: 16, build: () => levelsKernel('q2_K_levels', 16, 0, 3) },
  q3_K_levels: { n: 16, build: () => levelsKernel('q3_K_levels', 16, -4, 3) },
  q4_K_levels: { n: 32, build: () => levelsKernel('q4_K_levels', 32, 0, 15) },
  q5_K_levels: { n: 32, build: () => levelsKernel('q5_K_levels', 32, 0, 31) },
  q6_K_levels: { n: 16, build: () => levelsKernel('q6_K_levels', 16, -32, 31) },
  iq4_xs_levels: { n: 32, build: () => iq4LevelsKernel('iq4_xs_levels') },
  mxfp4_levels: { n: 32, build: () => mxfp4LevelsKernel('mxfp4_levels') },
  /** Round trips: non-finite inputs to 0 (FLAGS tells whether there were any). */
  finite: { n: 32, build: () => finiteKernel('finite') },
  /** Round trips: the values back from the levels, in place of the input (Q4_K and Q5_K share one). */
  k32_deq: { n: 32, build: () => dequantKernel({ name: 'k32_deq', n: 32, layout: PLAIN_32, signed: false, bias: 0 }) },
  q6_K_deq: { n: 16, build: () => dequantKernel({ name: 'q6_K_deq', n: 16, layout: PLAIN_16, signed: false, bias: -32 }) },
  q8_0_deq: { n: 32, build: () => dequantKernel({ name: 'q8_0_deq', n: 32, layout: Q8_0_BLOCKS, signed: true, bias: 0 }) },
} as const;

export type KernelName = keyof typeof KERNELS;

interface KernelSpec {
  /** Values per sub-block (one lane). */
  readonly n: number;
  build(): Func;
}

function qkx2Spec(p: Qkx2Params): KernelSpec {
  return { n: p.n, build: () => qkx2Kernel(p) };
}

type KernelFn = (x: number, levels: number, scales: number, mins: number, groups: number) => void;

/** The slice of the WebAssembly JS API used here (the project's lib settings carry no DOM types). */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object) => { readonly exports: Record<string, unknown> };
}
const WASM = (globalThis as unknown as { readonly WebAssembly: WasmApi }).WebAssembly;

export interface GgmlKernels {
  /** Where the values go: up to CHUNK floats. */
  readonly input: Float32Array;
  /** One level per input value, or whole blocks but their headers for the kernels that write ggml's layout. */
  readonly levels: Uint8Array;
  /** One scale and one min per sub-block: a fit's results, or a levels kernel's inputs. */
  readonly scales: Float32Array;
  readonly mins: Float32Array;
  /** Non-zero lanes when the last 'finite' run zeroed a non-finite value. */
  readonly flags: Int32Array;
  /** Runs kernel `name` over the first `values` input values (whole sub-blocks). */
  run(name: KernelName, values: number): void;
}

export { CHUNK };

let instance: GgmlKernels | undefined;

export function ggmlKernels(): GgmlKernels {
  instance ??= instantiate();
  return instance;
}

function instantiate(): GgmlKernels {
  const names = Object.keys(KERNELS) as KernelName[];
  const bytes = encodeModule(names.map((n) => KERNELS[n].build()), PAGES);
  const exports = new WASM.Instance(new WASM.Module(bytes)).exports;
  const memory = exports.memory as { readonly buffer: ArrayBuffer };
  const fns = new Map(names.map((n) => [n, exports[n] as KernelFn]));
  const input = new Float32Array(memory.buffer, IN, CHUNK);
  return {
    input,
    levels: new Uint8Array(memory.buffer, LEVELS, LEVEL_BYTES),
    scales: new Float32Array(memory.buffer, SCALES, CHUNK / 16),
    mins: new Float32Array(memory.buffer, MINS, CHUNK / 16),
    flags: new Int32Array(memory.buffer, FLAGS, 4),
    run(name, values) {
      const group = 4 * KERNELS[name].n;
      const groups = Math.ceil(values / group);
      // Kernels take whole groups of 4 sub-blocks; the zero padding's results go unread.
      input.fill(0, values, groups * group);
      fns.get(name)!(IN, LEVELS, SCALES, MINS, groups);
    },
  };
}
