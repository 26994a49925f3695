import type { IntResult, IntScheme } from '../../../shared/analysisTypes';
import { groupIntResult } from '../affineResult';
import { ErrorAccumulator } from '../../metrics/errorAccumulator';
import { affineRoundTripRun } from '../../quant/affine/affineKernel';
import { minMaxRun } from '../../metrics/statsKernel';
import { computeQParams } from '../../quant/affine/qparams';
import { parseRangeMethod, type ParsedRangeMethod } from '../../../shared/vocab/rangeMethods';
import { groupRange, newGroupScratch, type GroupScratch } from '../../quant/ranges/groupRange';
import { forEachGroup, GroupAssembler } from '../groupAssembler';
import type { PrepareContext, SchemePass, SchemeRunner } from './schemeRunner';

/**
 * Integer affine per group: rows of the last axis cut into groups of `groupSize` (the last
 * group of a row may be short), each group with the qparams of its own range (minmax, or
 * percentile / mse on the group's own values: groupRange). Groups
 * are computed as they stream by: nothing is kept per group but the scale spread.
 */
export class IntGroupRunner implements SchemeRunner {
  readonly needsCalibration = false;

  constructor(private readonly scheme: IntScheme, private readonly rowLength: number) {}

  prepare(ctx: PrepareContext): SchemePass {
    return new GroupPass(this.scheme, this.rowLength, ctx);
  }
}

class GroupPass implements SchemePass {
  private readonly assembler: GroupAssembler;
  private readonly errors: ErrorAccumulator;
  private readonly deq: Float32Array;
  private readonly range = new Float64Array(2);
  private readonly method: ParsedRangeMethod;
  private readonly scratch: GroupScratch;
  private clipped = 0;
  private scaleMin = Infinity;
  private scaleMax = -Infinity;
  private groups = 0;
  private degenerateGroups = 0;

  constructor(private readonly scheme: IntScheme, rowLength: number, ctx: PrepareContext) {
    const groupSize = scheme.groupSize ?? rowLength;
    this.assembler = new GroupAssembler(rowLength, groupSize);
    this.errors = new ErrorAccumulator(ctx.display);
    this.deq = new Float32Array(Math.max(ctx.chunkLength, Math.min(groupSize, rowLength)));
    // planSchemes admits per-group schemes with a known range method only.
    this.method = parseRangeMethod(scheme.range)!;
    this.scratch = newGroupScratch(this.method.kind === 'minmax' ? 0 : Math.min(groupSize, rowLength));
  }

  consume(x: Float32Array, n: number, start: number): void {
    this.assembler.feed(x, n, start, (values, from, to, firstIndex) => {
      forEachGroup(this.assembler, from, to, firstIndex, (a, b) => this.roundTripGroup(values, a, b));
      this.errors.add(values, this.deq, from, to);
    });
  }

  private roundTripGroup(values: Float32Array, from: number, to: number): void {
    const { bits, mode, convention } = this.scheme;
    const r = this.range;
    r[0] = Infinity;
    r[1] = -Infinity;
    minMaxRun(values, from, to, r, 0);
    // A group without finite values has nothing to quantize: treat it as all zero.
    const range = r[0]! <= r[1]! ? groupRange(this.method, values, from, to, r[0]!, r[1]!, bits, mode, convention, this.scratch) : { min: 0, max: 0 };
    const p = computeQParams(range.min, range.max, bits, mode, convention);
    this.clipped += affineRoundTripRun(values, this.deq, from, to, p.scale, p.zeroPoint, p.qmin, p.qmax, p.multiplyByInverse);
    if (p.scale < this.scaleMin) this.scaleMin = p.scale;
    if (p.scale > this.scaleMax) this.scaleMax = p.scale;
    this.groups++;
    if (p.degenerate) this.degenerateGroups++;
  }

  finish(): IntResult {
    const errors = this.errors;
    const tally = { groups: this.groups, degenerateGroups: this.degenerateGroups, scaleMin: this.scaleMin, scaleMax: this.scaleMax };
    return groupIntResult(this.scheme, tally, {
      compared: errors.compared, clipped: this.clipped, metrics: errors.metrics(), histograms: errors.histograms(),
    });
  }
}
