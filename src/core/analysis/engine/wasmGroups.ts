/**
 * Per-group int schemes on the SIMD kernels: each group's min/max and round trip run in
 * kernels.wasm, its qparams come from the reference's computeQParams, and groups cut by a
 * chunk boundary are carried over by the reference's GroupAssembler.
 */
import type { IntScheme } from '../../../shared/analysisTypes';
import type { F32Region, F64Region, KernelLease } from './wasmKernels';
import { computeQParams } from '../../quant/affine/qparams';
import { forEachGroup, GroupAssembler } from '../groupAssembler';
import type { GroupTally } from '../../../shared/tensorPartTypes';

/** Groups shorter than this cost more in calls than they save: the reference keeps them. */
export const MIN_WASM_GROUP = 16;

/** Where a group's round trip and errors go (one scheme's accumulators in kernel memory). */
export interface GroupSink {
  run(ptr: number, from: number, to: number, scale: number, zeroPoint: number, qmin: number, qmax: number, multiplyByInverse: boolean): void;
}

export class WasmGroups {
  private readonly assembler: GroupAssembler;
  private groups = 0;
  private degenerateGroups = 0;
  private scaleMin = Infinity;
  private scaleMax = -Infinity;

  constructor(
    private readonly scheme: IntScheme,
    rowLength: number,
    private readonly lease: KernelLease,
    /** A group carried over a chunk boundary is copied here (min(groupSize, rowLength) floats). */
    private readonly carry: F32Region,
    /** Two f64 slots: the group's min and max. */
    private readonly range: F64Region,
  ) {
    this.assembler = new GroupAssembler(rowLength, scheme.groupSize ?? rowLength);
  }

  /** Float32 slots the carry region needs. */
  static carryLength(scheme: IntScheme, rowLength: number): number {
    return Math.min(scheme.groupSize ?? rowLength, rowLength);
  }

  /** Chunk x[0..n) (flat indices start..), mirrored in kernel memory at `chunk`. */
  consume(x: Float32Array, chunk: F32Region, n: number, start: number, sink: GroupSink): void {
    this.assembler.feed(x, n, start, (values, from, to, firstIndex) => {
      let ptr = chunk.ptr;
      let offset = 0;
      if (values !== x) {
        this.carry.view.set(values.subarray(from, to));
        ptr = this.carry.ptr;
        offset = from;
      }
      forEachGroup(this.assembler, from, to, firstIndex, (a, b) => this.group(ptr, a - offset, b - offset, sink));
    });
  }

  tally(): GroupTally {
    return { groups: this.groups, degenerateGroups: this.degenerateGroups, scaleMin: this.scaleMin, scaleMax: this.scaleMax };
  }

  private group(ptr: number, from: number, to: number, sink: GroupSink): void {
    const { bits, mode, convention } = this.scheme;
    const r = this.range.view;
    r[0] = Infinity;
    r[1] = -Infinity;
    this.lease.k.minMaxRun(ptr, from, to, this.range.ptr, 0);
    // A group without finite values has nothing to quantize: treat it as all zero (as the reference).
    const p = r[0]! <= r[1]! ? computeQParams(r[0]!, r[1]!, bits, mode, convention) : computeQParams(0, 0, bits, mode, convention);
    sink.run(ptr, from, to, p.scale, p.zeroPoint, p.qmin, p.qmax, p.multiplyByInverse);
    if (p.scale < this.scaleMin) this.scaleMin = p.scale;
    if (p.scale > this.scaleMax) this.scaleMax = p.scale;
    this.groups++;
    if (p.degenerate) this.degenerateGroups++;
  }
}
