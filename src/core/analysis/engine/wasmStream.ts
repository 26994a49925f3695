/**
 * The streaming path on the WebAssembly SIMD kernels: the reference's passes (stats and channel
 * ranges; calibration when a range method needs it; round trip and errors) with every hot loop
 * in kernels.wasm and every accumulator in its memory. Int schemes per tensor, channel and group.
 */
import type { Histogram, IntResult, IntScheme, TensorStats } from '../../../shared/analysisTypes';
import type { DisplayRange } from '../../metrics/errorAccumulator';
import { finishTensorStats } from '../../metrics/tensorStats';
import { ERR, ERROR_BUCKETS } from '../../metrics/errorStatsKernel';
import { HISTOGRAM_FLAGS } from '../../metrics/histogramKernel';
import { STATS, newStatsAccumulator } from '../../metrics/statsKernel';
import {
  NO_REGION, regionBytes, WASM_CODE_SLOTS, WASM_ERROR_BUCKET_SLOTS, type F32Region, type F64Region, type KernelLease, type U32Region,
} from './wasmKernels';
import { computeQParams, type QParams } from '../../quant/affine/qparams';
import { addToCalibration, newCalibrationHistograms, type CalibrationHistograms } from '../../quant/ranges/calibrationHistogram';
import { chooseRange } from '../../quant/ranges/chooseRange';
import type { TensorEntry } from '../../tensor';
import { channelLayout, forEachChannelRun, type ChannelLayout } from '../runners/intAffineRunner';
import { histogram, intGroupResult, intResult } from './intResult';
import { MIN_WASM_GROUP, WasmGroups } from './wasmGroups';
import { engineChunkLength, PassProgress, type PassHooks } from './passes';
import { passInto, type ChunkBuffers } from './kernelStream';
import { SuiteRun } from './suiteRun';

const f32 = Math.fround;

/**
 * Shortest channel run worth a kernel call: a call costs about as much as a few dozen elements.
 * Channels whose runs are shorter (e.g. the last axis) stay on the reference.
 */
export const MIN_CHANNEL_RUN = 64;

export interface WasmStreamResult {
  readonly stats: TensorStats;
  readonly histogram?: Histogram;
  readonly results: readonly IntResult[];
}

/**
 * Data whose magnitudes stay below this cannot overflow float32 in any group's deq (at most a few
 * times the largest magnitude), so the unmasked kernel is safe for groups.
 */
const GROUP_FINITE_DEQ_BOUND = 1e30;

/** One scheme's accumulators, in kernel memory. */
interface SchemeSlots {
  readonly scheme: IntScheme;
  readonly layout: ChannelLayout | null;
  readonly groups: WasmGroups | null;
  readonly acc: F64Region;
  /** null when the percentiles are not asked for (no buckets counted). */
  readonly errHist: U32Region | null;
  readonly codes: U32Region;
  readonly deqCounts: F64Region;
  params: readonly QParams[];
  /** All data finite and no deq can overflow: the kernel without lane masks serves. */
  allFinite: boolean;
  clipped: number;
}

/** Whether a scheme can run here: int per tensor (any range), minmax per channel with runs of MIN_CHANNEL_RUN or more, minmax per group of MIN_WASM_GROUP or more. */
export function wasmStreamSupports(scheme: IntScheme, shape: readonly number[]): boolean {
  // Range methods per channel / group calibrate per channel or per group: only the reference does.
  if (scheme.granularity !== 'tensor' && scheme.range !== 'minmax') return false;
  switch (scheme.granularity) {
    case 'tensor': return true;
    case 'channel': return channelLayout(shape, scheme.axis).inner >= MIN_CHANNEL_RUN;
    case 'group': return Math.min(scheme.groupSize ?? 0, shape[shape.length - 1] ?? 0) >= MIN_WASM_GROUP;
  }
}

export async function analyzeByWasmStream(
  entry: TensorEntry, schemes: readonly IntScheme[], bins: number, errorPercentiles: boolean, lease: KernelLease, hooks: PassHooks,
): Promise<WasmStreamResult> {
  const k = lease.k;
  const chunkLength = engineChunkLength(entry.data.blockSize);
  const axes = [...new Set(schemes.filter((s) => s.granularity === 'channel').map((s) => s.axis))];
  const layouts = new Map(axes.map((a) => [a, channelLayout(entry.shape, a)]));
  const rowLength = entry.shape[entry.shape.length - 1] ?? 1;
  const carryLengths = schemes.filter((s) => s.granularity === 'group').map((s) => WasmGroups.carryLength(s, rowLength));
  lease.reserve(layoutBytes(chunkLength, [...layouts.values()], schemes.length, bins, errorPercentiles, carryLengths) + SuiteRun.bytes(schemes.length));

  const buffers: ChunkBuffers = [lease.f32(chunkLength), lease.f32(chunkLength)];
  const whole = { from: 0, to: entry.numel };
  const statsAcc = lease.f64(STATS.LENGTH);
  statsAcc.view.set(newStatsAccumulator());
  const ranges = new Map([...layouts].map(([axis, layout]) => [axis, emptyRanges(lease.f64(2 * layout.channels))]));
  const weights = lease.f64(bins + 1);
  const slots: SchemeSlots[] = schemes.map((scheme) => ({
    scheme,
    layout: scheme.granularity === 'channel' ? layouts.get(scheme.axis)! : null,
    groups: scheme.granularity === 'group'
      ? new WasmGroups(scheme, rowLength, lease, lease.f32(WasmGroups.carryLength(scheme, rowLength)), lease.f64(2))
      : null,
    acc: lease.f64(ERR.LENGTH),
    errHist: errorPercentiles ? lease.u32(WASM_ERROR_BUCKET_SLOTS) : null,
    codes: lease.u32(WASM_CODE_SLOTS),
    deqCounts: lease.f64(bins + 1),
    params: [],
    allFinite: false,
    clipped: 0,
  }));
  const needsCalibration = schemes.some((s) => s.granularity === 'tensor' && s.range !== 'minmax');
  const progress = new PassProgress(entry.numel, needsCalibration ? 3 : 2, hooks);

  await passInto(entry, whole, buffers, progress, (chunk, n, start) => {
    k.statsChunk(chunk.ptr, n, statsAcc.ptr);
    for (const [axis, layout] of layouts) {
      const r = ranges.get(axis)!;
      forEachChannelRun(layout, n, start, (from, to, channel) => k.minMaxRun(chunk.ptr, from, to, r.ptr, 2 * channel));
    }
  });
  const stats = finishTensorStats(Float64Array.from(statsAcc.view));

  let calibration: CalibrationHistograms | null = null;
  if (needsCalibration) {
    const h = newCalibrationHistograms(stats.min, stats.max);
    await passInto(entry, whole, buffers, progress, (chunk, n) => addToCalibration(h, chunk.view, 0, n));
    calibration = h;
  }
  for (const slot of slots) {
    if (slot.groups) {
      slot.allFinite = stats.nonFinite === 0 && stats.absMax < GROUP_FINITE_DEQ_BOUND;
      continue;
    }
    slot.params = qparamsOf(slot, stats, calibration, ranges);
    slot.allFinite = stats.nonFinite === 0 && slot.params.every(deqStaysFinite);
  }
  // Without percentiles or histograms, the per-tensor schemes share one read of each tile.
  const fused = slots.filter((s) => !errorPercentiles && bins === 0 && s.layout === null && !s.groups && s.allFinite && !s.params[0]!.degenerate);
  const suite = new SuiteRun(lease, fused.map((s) => s.params[0]!));
  const separate = slots.filter((s) => !fused.includes(s));

  const display: DisplayRange = { min: stats.min, max: stats.max, bins, errorPercentiles };
  await passInto(entry, whole, buffers, progress, (chunk, n, start) => {
    const x = chunk.view.subarray(0, n);
    if (bins > 0) k.histogramChunk(chunk.ptr, 0, n, display.min, display.max, weights.ptr, bins, HISTOGRAM_FLAGS.CLAMP);
    suite.run(chunk.ptr, n);
    for (const slot of separate) runScheme(lease, slot, x, chunk, n, start, display);
  });
  // The schemes that leave out the sum of x^2 all had every value: pass 1's, with no extra pass.
  const sumSquares = sumOfSquares(statsAcc.view);
  for (const slot of separate) if (slot.allFinite) slot.acc.view[ERR.SUM_SQ_X]! += sumSquares;
  fused.forEach((slot, i) => {
    slot.clipped = suite.collect(i, slot.acc.view, sumSquares);
  });

  const results = slots.map((slot) => {
    const sums = {
      acc: Float64Array.from(slot.acc.view),
      errHist: slot.errHist ? Float64Array.from(slot.errHist.view.subarray(0, ERROR_BUCKETS)) : null,
      deqCounts: Float64Array.from(slot.deqCounts.view.subarray(0, bins)),
      clipped: slot.clipped,
    };
    return slot.groups ? intGroupResult(slot.scheme, slot.groups.tally(), sums, display) : intResult(slot.scheme, slot.params, sums, stats, display);
  });
  const weightsHistogram = bins > 0 ? histogram(display, Float64Array.from(weights.view.subarray(0, bins))) : undefined;
  return { stats, ...(weightsHistogram ? { histogram: weightsHistogram } : {}), results };
}

function runScheme(
  lease: KernelLease, slot: SchemeSlots, x: Float32Array, chunk: F32Region, n: number, start: number, display: DisplayRange,
): void {
  const kernel = slot.allFinite ? lease.k.affineErrorRunFinite : lease.k.affineErrorRun;
  // Groups are short: bin each deq rather than each of the 2^bits codes after every group.
  const binEach = slot.groups ? 1 : 0;
  const run = (ptr: number, from: number, to: number, scale: number, zeroPoint: number, qmin: number, qmax: number, multiplyByInverse: boolean): void => {
    slot.clipped += kernel(
      ptr, from, to, scale, zeroPoint, qmin, qmax, multiplyByInverse ? 1 : 0,
      slot.acc.ptr, slot.errHist?.ptr ?? NO_REGION, slot.codes.ptr, slot.deqCounts.ptr, display.bins, display.min, display.max, binEach,
    );
  };
  const runWith = (from: number, to: number, p: QParams): void => run(chunk.ptr, from, to, p.scale, p.zeroPoint, p.qmin, p.qmax, p.multiplyByInverse);
  if (slot.groups) slot.groups.consume(x, chunk, n, start, { run });
  else if (slot.layout === null) runWith(0, n, slot.params[0]!);
  else forEachChannelRun(slot.layout, n, start, (from, to, channel) => runWith(from, to, slot.params[channel]!));
}

/** qparams as the reference runner computes them (per tensor: the range method; per channel: each channel's min/max). */
function qparamsOf(slot: SchemeSlots, stats: TensorStats, calibration: CalibrationHistograms | null, ranges: ReadonlyMap<number, F64Region>): QParams[] {
  const { bits, mode, convention } = slot.scheme;
  if (slot.layout === null) {
    const range = chooseRange(slot.scheme.range, { min: stats.min, max: stats.max, calibration }, bits, mode, convention);
    return [computeQParams(range.min, range.max, bits, mode, convention)];
  }
  const r = ranges.get(slot.scheme.axis)!.view;
  return Array.from({ length: slot.layout.channels }, (_, c) => {
    const lo = r[2 * c]!;
    const hi = r[2 * c + 1]!;
    // A channel without finite values has nothing to quantize: treat it as all zero (as the reference).
    return lo <= hi ? computeQParams(lo, hi, bits, mode, convention) : computeQParams(0, 0, bits, mode, convention);
  });
}

/** deq = scale * (q - zp) is monotonic in q: finite at both ends of the code range means finite everywhere. */
function deqStaysFinite(p: QParams): boolean {
  return Number.isFinite(f32(p.scale * f32(p.qmin - p.zeroPoint))) && Number.isFinite(f32(p.scale * f32(p.qmax - p.zeroPoint)));
}

/** Sum of x^2 over the finite values as M2 + n mean^2: both terms >= 0, so as exact as summing x^2 (no cancellation). */
function sumOfSquares(stats: Float64Array): number {
  const mean = stats[STATS.MEAN]!;
  return stats[STATS.M2]! + stats[STATS.COUNT]! * mean * mean;
}

function emptyRanges(region: F64Region): F64Region {
  for (let i = 0; i < region.view.length; i += 2) {
    region.view[i] = Infinity;
    region.view[i + 1] = -Infinity;
  }
  return region;
}

/** Kernel memory for one tensor: two chunk buffers, the stats, channel ranges, the weights' bins, each scheme's accumulators and group carries. */
function layoutBytes(
  chunkLength: number, layouts: readonly ChannelLayout[], schemes: number, bins: number, errorPercentiles: boolean, carryLengths: readonly number[],
): number {
  const buckets = errorPercentiles ? regionBytes(WASM_ERROR_BUCKET_SLOTS, 4) : 0;
  const perScheme = regionBytes(ERR.LENGTH, 8) + buckets + regionBytes(WASM_CODE_SLOTS, 4) + regionBytes(bins + 1, 8);
  return 2 * regionBytes(chunkLength, 4) + regionBytes(STATS.LENGTH, 8) + regionBytes(bins + 1, 8)
    + layouts.reduce((n, l) => n + regionBytes(2 * l.channels, 8), 0)
    + schemes * perScheme
    + carryLengths.reduce((n, c) => n + regionBytes(c, 4) + regionBytes(2, 8), 0);
}
