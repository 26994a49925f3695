import type { IntResult, IntScheme } from '../../../shared/analysisTypes';
import { affineIntResult } from '../affineResult';
import { ErrorAccumulator } from '../../metrics/errorAccumulator';
import { affineRoundTripRun } from '../../quant/affine/affineKernel';
import { minMaxRun } from '../../metrics/statsKernel';
import { computeQParams, type QParams } from '../../quant/affine/qparams';
import { ChannelCalibration } from '../../quant/ranges/channelCalibration';
import { calibrationKind, chooseRange } from '../../quant/ranges/chooseRange';
import { parseRangeMethod } from '../../../shared/vocab/rangeMethods';
import type { PrepareContext, SchemePass, SchemeRunner } from './schemeRunner';


/** How a tensor splits into channels: element i belongs to channel floor(i / inner) % channels. */
export interface ChannelLayout {
  readonly channels: number;
  /** Elements after the axis: the stride of the channel index, and the length of each run. */
  readonly inner: number;
}

export function channelLayout(shape: readonly number[], axis: number): ChannelLayout {
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  return { channels: shape[axis]!, inner };
}

/** Calls each(from, to, channel) for the runs of x[0..n) (flat indices start..) that share a channel. */
export function forEachChannelRun(layout: ChannelLayout, n: number, start: number, each: (from: number, to: number, channel: number) => void): void {
  let pos = 0;
  let index = start;
  while (pos < n) {
    const offset = index % layout.inner;
    const channel = Math.floor(index / layout.inner) % layout.channels;
    const to = Math.min(n, pos + layout.inner - offset);
    each(pos, to, channel);
    index += to - pos;
    pos = to;
  }
}

/**
 * Integer affine per tensor (one channel spanning the tensor) or per channel along any axis (no
 * transposed copy). Per channel, a range method other than minmax gets each channel's own
 * histogram (ChannelCalibration, built in the calibration pass from pass 1's channel ranges).
 */
export class IntAffineRunner implements SchemeRunner {
  readonly needsCalibration: boolean;
  readonly calibrate?: (x: Float32Array, n: number, start: number) => void;
  private readonly layout: ChannelLayout;
  /** [min0, max0, min1, max1, ...] per channel, from pass 1 (per channel only). */
  private readonly ranges: Float64Array | null;
  /** Per channel, non-minmax: created on the first calibration chunk, once pass 1 has fixed the channel ranges. */
  private channelCalibration: ChannelCalibration | null = null;

  constructor(private readonly scheme: IntScheme, shape: readonly number[], numel: number) {
    const perChannel = scheme.granularity === 'channel';
    this.layout = perChannel ? channelLayout(shape, scheme.axis) : { channels: 1, inner: Math.max(1, numel) };
    this.ranges = perChannel ? emptyRanges(this.layout.channels) : null;
    this.needsCalibration = !perChannel && scheme.range !== 'minmax';
    const parsed = parseRangeMethod(scheme.range);
    const kind = parsed ? calibrationKind(parsed, scheme.mode) : null;
    const ranges = this.ranges;
    if (ranges && kind) {
      this.calibrate = (x, n, start) => {
        const c = this.channelCalibration ??= new ChannelCalibration(kind, ranges);
        forEachChannelRun(this.layout, n, start, (from, to, channel) => c.add(x, from, to, channel));
      };
    }
  }

  observe(x: Float32Array, n: number, start: number): void {
    const ranges = this.ranges;
    if (!ranges) return;
    forEachChannelRun(this.layout, n, start, (from, to, channel) => minMaxRun(x, from, to, ranges, 2 * channel));
  }

  prepare(ctx: PrepareContext): SchemePass {
    const { bits, mode, convention } = this.scheme;
    const ranges = this.ranges;
    if (!ranges) {
      const range = chooseRange(this.scheme.range, { min: ctx.stats.min, max: ctx.stats.max, calibration: ctx.calibration }, bits, mode, convention);
      return new AffinePass(this.scheme, this.layout, [computeQParams(range.min, range.max, bits, mode, convention)], ctx);
    }
    const calibration = this.channelCalibration;
    const params = Array.from({ length: this.layout.channels }, (_, c) => {
      const lo = ranges[2 * c]!;
      const hi = ranges[2 * c + 1]!;
      // A channel without finite values has nothing to quantize: treat it as all zero.
      if (lo > hi) return computeQParams(0, 0, bits, mode, convention);
      if (!calibration) return computeQParams(lo, hi, bits, mode, convention);
      const range = chooseRange(this.scheme.range, { min: lo, max: hi, calibration: calibration.of(c) }, bits, mode, convention);
      return computeQParams(range.min, range.max, bits, mode, convention);
    });
    return new AffinePass(this.scheme, this.layout, params, ctx);
  }
}

function emptyRanges(channels: number): Float64Array {
  const r = new Float64Array(2 * channels);
  for (let c = 0; c < channels; c++) {
    r[2 * c] = Infinity;
    r[2 * c + 1] = -Infinity;
  }
  return r;
}

class AffinePass implements SchemePass {
  private readonly errors: ErrorAccumulator;
  private readonly deq: Float32Array;
  private clipped = 0;

  constructor(
    private readonly scheme: IntScheme,
    private readonly layout: ChannelLayout,
    private readonly params: readonly QParams[],
    private readonly ctx: PrepareContext,
  ) {
    this.errors = new ErrorAccumulator(ctx.display);
    this.deq = new Float32Array(ctx.chunkLength);
  }

  consume(x: Float32Array, n: number, start: number): void {
    const deq = this.deq;
    forEachChannelRun(this.layout, n, start, (from, to, channel) => {
      const p = this.params[channel]!;
      this.clipped += affineRoundTripRun(x, deq, from, to, p.scale, p.zeroPoint, p.qmin, p.qmax, p.multiplyByInverse);
    });
    this.errors.add(x, deq, 0, n);
  }

  finish(): IntResult {
    const errors = this.errors;
    return affineIntResult(this.scheme, this.params, this.ctx.stats, {
      compared: errors.compared, clipped: this.clipped, metrics: errors.metrics(), histograms: errors.histograms(),
    });
  }
}
