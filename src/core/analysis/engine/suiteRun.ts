/**
 * Per-tensor int schemes fused over one read of each tile (kernels.wasm affineSuiteFinite): the
 * table's figures only, for all-finite data whose deq cannot overflow and a scale that is not 0.
 */
import { ERR } from '../../metrics/errorStatsKernel';
import {
  regionBytes, SUITE_ACC_CLIPPED, SUITE_ACC_SLOTS, SUITE_ACC_SUM_X_ERR, SUITE_FLAGS, SUITE_RECORD_SLOTS, SUITE_SCRATCH_SLOTS,
  type F64Region, type KernelLease,
} from './wasmKernels';
import { affineRoundTripRun } from '../../quant/affine/affineKernel';
import type { QParams } from '../../quant/affine/qparams';

/** Float32 holds every integer below 2^24: a zero point and codes within it add and subtract exactly. */
const EXACT_INTEGERS = 2 ** 24;

/** The finite range of the data a suite runs over (pass 1's min and max). */
export interface DataRange {
  readonly min: number;
  readonly max: number;
}

export class SuiteRun {
  private readonly records: number;
  private readonly accs: F64Region;
  private readonly scratch: F64Region;

  /** Kernel memory for up to `schemes` schemes. */
  static bytes(schemes: number): number {
    return regionBytes(schemes * SUITE_RECORD_SLOTS, 4) + regionBytes(schemes * SUITE_ACC_SLOTS, 8) + regionBytes(SUITE_SCRATCH_SLOTS, 8);
  }

  /** `range`: every value the suite will see lies in it (the kernel skips the clamp of schemes where nothing can clip). */
  constructor(private readonly lease: KernelLease, private readonly params: readonly QParams[], range: DataRange) {
    const records = lease.f32(params.length * SUITE_RECORD_SLOTS);
    const flags = new Int32Array(records.view.buffer, records.view.byteOffset, records.view.length);
    params.forEach((p, i) => {
      const at = i * SUITE_RECORD_SLOTS;
      records.view.set([p.scale, p.zeroPoint, p.qmin, p.qmax], at);
      flags[at + 4] = (p.multiplyByInverse ? SUITE_FLAGS.MULTIPLY_BY_INVERSE : 0) | (nothingClips(p, range) ? SUITE_FLAGS.NO_CLIP : 0);
    });
    this.records = records.ptr;
    this.accs = lease.f64(params.length * SUITE_ACC_SLOTS);
    this.scratch = lease.f64(SUITE_SCRATCH_SLOTS);
  }

  /** Every scheme over x[0..n) at `ptr` in kernel memory. */
  run(ptr: number, n: number): void {
    if (this.params.length > 0) this.lease.k.affineSuiteFinite(ptr, n, this.records, this.params.length, this.accs.ptr, this.scratch.ptr);
  }

  /** Scheme i's sums: ERR layout (its sums of x^2, deq^2 and x deq left 0), the sum of x (x - deq), the clipped count. */
  sums(i: number): { acc: Float64Array; xErr: number; clipped: number } {
    const at = i * SUITE_ACC_SLOTS;
    const sums = this.accs.view;
    return { acc: sums.slice(at, at + ERR.LENGTH), xErr: sums[at + SUITE_ACC_SUM_X_ERR]!, clipped: sums[at + SUITE_ACC_CLIPPED]! };
  }
}

/**
 * Whether no value in the range clips: the code before the clamp, f32(round(x / scale) + zero
 * point), never decreases as x grows, so the range's two ends bound every value's code (computed
 * by the reference round trip). Also asks that zero point and codes be exact float32 integers,
 * so the kernel may take q - zeroPoint as round(x / scale).
 */
export function nothingClips(p: QParams, range: DataRange): boolean {
  const exact = Math.abs(p.zeroPoint) + Math.max(Math.abs(p.qmin), Math.abs(p.qmax)) < EXACT_INTEGERS;
  const ends = Float32Array.of(range.min, range.max);
  return exact && affineRoundTripRun(ends, new Float32Array(2), 0, 2, p.scale, p.zeroPoint, p.qmin, p.qmax, p.multiplyByInverse) === 0;
}
