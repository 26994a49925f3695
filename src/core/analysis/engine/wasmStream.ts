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
import type { ElementRange, ErrorSums, StatsSums } from '../../../shared/tensorPartTypes';
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
  readonly plan: SchemePlan;
  clipped: number;
}

/** How pass 2 runs one scheme: decided from pass 1's sums alone, so every part of a tensor decides alike. */
interface SchemePlan {
  /** Per channel (one for per tensor); empty for groups, whose qparams come from each group. */
  readonly params: readonly QParams[];
  /** All data finite and no deq can overflow: the kernel without lane masks serves. */
  readonly allFinite: boolean;
  /** Runs in the fused suite (per tensor, table figures only). */
  readonly fused: boolean;
}

/** What a streaming analysis shows: the schemes, and the histograms and percentiles asked for. */
export interface StreamRequest {
  readonly schemes: readonly IntScheme[];
  readonly bins: number;
  readonly errorPercentiles: boolean;
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

/** Whether a range method needs the calibration pass (then the tensor is analysed in one piece). */
export function needsCalibration(schemes: readonly IntScheme[]): boolean {
  return schemes.some((s) => s.granularity === 'tensor' && s.range !== 'minmax');
}

/**
 * The reference's passes over the whole tensor, on the kernels: pass 1 (stats, channel ranges),
 * the calibration pass when a range method needs it, pass 2 (round trips and errors).
 */
export async function analyzeByWasmStream(
  entry: TensorEntry, request: StreamRequest, lease: KernelLease, hooks: PassHooks,
): Promise<WasmStreamResult> {
  const whole = { from: 0, to: entry.numel };
  const calibrating = needsCalibration(request.schemes);
  const progress = new PassProgress(entry.numel, calibrating ? 3 : 2, hooks);
  const sums = await streamStats(entry, request.schemes, whole, lease, progress);
  let calibration: CalibrationHistograms | null = null;
  if (calibrating) {
    const stats = finishTensorStats(sums.stats);
    const h = newCalibrationHistograms(stats.min, stats.max);
    const buffers = reserveBuffers(lease, entry, 0);
    await passInto(entry, whole, buffers, progress, (chunk, n) => addToCalibration(h, chunk.view, 0, n));
    calibration = h;
  }
  const errors = await streamErrors(entry, request, whole, sums, calibration, lease, progress);
  return finishWasmStream(request, sums, calibration, errors);
}

/** Pass 1 over elements [range.from, range.to): stats, and each channel axis's min/max. */
export async function streamStats(
  entry: TensorEntry, schemes: readonly IntScheme[], range: ElementRange, lease: KernelLease, progress: PassProgress,
): Promise<StatsSums> {
  const k = lease.k;
  const layouts = channelLayouts(schemes, entry.shape);
  const bytes = regionBytes(STATS.LENGTH, 8) + [...layouts.values()].reduce((n, l) => n + regionBytes(2 * l.channels, 8), 0);
  const buffers = reserveBuffers(lease, entry, bytes);
  const statsAcc = lease.f64(STATS.LENGTH);
  statsAcc.view.set(newStatsAccumulator());
  const ranges = new Map([...layouts].map(([axis, layout]) => [axis, emptyRanges(lease.f64(2 * layout.channels))]));
  await passInto(entry, range, buffers, progress, (chunk, n, start) => {
    k.statsChunk(chunk.ptr, n, statsAcc.ptr);
    for (const [axis, layout] of layouts) {
      const r = ranges.get(axis)!;
      forEachChannelRun(layout, n, start, (from, to, channel) => k.minMaxRun(chunk.ptr, from, to, r.ptr, 2 * channel));
    }
  });
  return { stats: Float64Array.from(statsAcc.view), ranges: new Map([...ranges].map(([axis, r]) => [axis, Float64Array.from(r.view)])) };
}

/** Pass 2 over elements [range.from, range.to) given the whole tensor's pass-1 sums (and calibration). */
export async function streamErrors(
  entry: TensorEntry, request: StreamRequest, range: ElementRange, sums: StatsSums, calibration: CalibrationHistograms | null,
  lease: KernelLease, progress: PassProgress,
): Promise<ErrorSums> {
  const { schemes, bins, errorPercentiles } = request;
  const k = lease.k;
  const stats = finishTensorStats(sums.stats);
  const plans = planSchemes(request, stats, calibration, sums.ranges);
  const rowLength = entry.shape[entry.shape.length - 1] ?? 1;
  const layouts = channelLayouts(schemes, entry.shape);
  const carryLengths = schemes.filter((s) => s.granularity === 'group').map((s) => WasmGroups.carryLength(s, rowLength));
  const buffers = reserveBuffers(lease, entry, slotBytes(schemes.length, bins, errorPercentiles, carryLengths) + SuiteRun.bytes(schemes.length));
  const weights = lease.f64(bins + 1);
  const slots: SchemeSlots[] = schemes.map((scheme, i) => ({
    scheme,
    layout: scheme.granularity === 'channel' ? layouts.get(scheme.axis)! : null,
    groups: scheme.granularity === 'group'
      ? new WasmGroups(scheme, rowLength, lease, lease.f32(WasmGroups.carryLength(scheme, rowLength)), lease.f64(2))
      : null,
    acc: lease.f64(ERR.LENGTH),
    errHist: errorPercentiles ? lease.u32(WASM_ERROR_BUCKET_SLOTS) : null,
    codes: lease.u32(WASM_CODE_SLOTS),
    deqCounts: lease.f64(bins + 1),
    plan: plans[i]!,
    clipped: 0,
  }));
  const fused = slots.filter((s) => s.plan.fused);
  const suite = new SuiteRun(lease, fused.map((s) => s.plan.params[0]!), stats);
  const separate = slots.filter((s) => !s.plan.fused);
  const display: DisplayRange = { min: stats.min, max: stats.max, bins, errorPercentiles };
  await passInto(entry, range, buffers, progress, (chunk, n, start) => {
    const x = chunk.view.subarray(0, n);
    if (bins > 0) k.histogramChunk(chunk.ptr, 0, n, display.min, display.max, weights.ptr, bins, HISTOGRAM_FLAGS.CLAMP);
    suite.run(chunk.ptr, n);
    for (const slot of separate) runScheme(lease, slot, x, chunk, n, start, display);
  });
  const fusedSums = fused.map((_, i) => suite.sums(i));
  return {
    weights: Float64Array.from(weights.view.subarray(0, bins)),
    schemes: slots.map((slot) => {
      const f = fused.indexOf(slot);
      const common = {
        errHist: slot.errHist ? Float64Array.from(slot.errHist.view.subarray(0, ERROR_BUCKETS)) : null,
        deqCounts: Float64Array.from(slot.deqCounts.view.subarray(0, bins)),
        tally: slot.groups ? slot.groups.tally() : null,
      };
      return f >= 0 ? { ...common, ...fusedSums[f]! } : { ...common, acc: Float64Array.from(slot.acc.view), xErr: 0, clipped: slot.clipped };
    }),
  };
}

/** The results from the whole tensor's sums: pass 1's sum of x^2 goes where pass 2 left it out. */
export function finishWasmStream(
  request: StreamRequest, sums: StatsSums, calibration: CalibrationHistograms | null, errors: ErrorSums,
): WasmStreamResult {
  const { schemes, bins, errorPercentiles } = request;
  const stats = finishTensorStats(sums.stats);
  const plans = planSchemes(request, stats, calibration, sums.ranges);
  const display: DisplayRange = { min: stats.min, max: stats.max, bins, errorPercentiles };
  const sumSquares = sumOfSquares(sums.stats);
  const results = schemes.map((scheme, i) => {
    const plan = plans[i]!;
    const s = errors.schemes[i]!;
    const acc = Float64Array.from(s.acc);
    if (plan.fused) {
      // deq = x - e, so sum x deq = sum x^2 - sum x e and sum deq^2 = sum x^2 - 2 sum x e + sum e^2.
      acc[ERR.SUM_SQ_X] = sumSquares;
      acc[ERR.SUM_X_DEQ] = sumSquares - s.xErr;
      // Rounding could take an all-but-zero sum of squares a hair below 0.
      acc[ERR.SUM_SQ_DEQ] = Math.max(0, sumSquares - 2 * s.xErr + acc[ERR.SUM_SQ_ERR]!);
    } else if (plan.allFinite) {
      // The schemes that leave out the sum of x^2 all had every value: pass 1's, with no extra pass.
      acc[ERR.SUM_SQ_X]! += sumSquares;
    }
    const accumulators = { acc, errHist: s.errHist, deqCounts: s.deqCounts, clipped: s.clipped };
    return s.tally ? intGroupResult(scheme, s.tally, accumulators, display) : intResult(scheme, plan.params, accumulators, stats, display);
  });
  const weightsHistogram = bins > 0 ? histogram(display, errors.weights) : undefined;
  return { stats, ...(weightsHistogram ? { histogram: weightsHistogram } : {}), results };
}

/**
 * Each scheme's qparams and kernel. Without percentiles or histograms, the per-tensor schemes
 * share one read of each tile (fused).
 */
function planSchemes(
  request: StreamRequest, stats: TensorStats, calibration: CalibrationHistograms | null, ranges: ReadonlyMap<number, Float64Array>,
): SchemePlan[] {
  const tableOnly = !request.errorPercentiles && request.bins === 0;
  return request.schemes.map((scheme) => {
    if (scheme.granularity === 'group') {
      return { params: [], allFinite: stats.nonFinite === 0 && stats.absMax < GROUP_FINITE_DEQ_BOUND, fused: false };
    }
    const params = qparamsOf(scheme, stats, calibration, ranges);
    const allFinite = stats.nonFinite === 0 && params.every(deqStaysFinite);
    return { params, allFinite, fused: tableOnly && scheme.granularity === 'tensor' && allFinite && !params[0]!.degenerate };
  });
}

/** Reserves the lease for two chunk buffers plus `bytes` more, and lays out the buffers. */
function reserveBuffers(lease: KernelLease, entry: TensorEntry, bytes: number): ChunkBuffers {
  const chunkLength = engineChunkLength(entry.data.blockSize);
  lease.reserve(2 * regionBytes(chunkLength, 4) + bytes);
  return [lease.f32(chunkLength), lease.f32(chunkLength)];
}

function channelLayouts(schemes: readonly IntScheme[], shape: readonly number[]): Map<number, ChannelLayout> {
  const axes = [...new Set(schemes.filter((s) => s.granularity === 'channel').map((s) => s.axis))];
  return new Map(axes.map((a) => [a, channelLayout(shape, a)]));
}

function runScheme(
  lease: KernelLease, slot: SchemeSlots, x: Float32Array, chunk: F32Region, n: number, start: number, display: DisplayRange,
): void {
  const kernel = slot.plan.allFinite ? lease.k.affineErrorRunFinite : lease.k.affineErrorRun;
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
  else if (slot.layout === null) runWith(0, n, slot.plan.params[0]!);
  else forEachChannelRun(slot.layout, n, start, (from, to, channel) => runWith(from, to, slot.plan.params[channel]!));
}

/** qparams as the reference runner computes them (per tensor: the range method; per channel: each channel's min/max). */
function qparamsOf(scheme: IntScheme, stats: TensorStats, calibration: CalibrationHistograms | null, ranges: ReadonlyMap<number, Float64Array>): QParams[] {
  const { bits, mode, convention } = scheme;
  if (scheme.granularity === 'tensor') {
    const range = chooseRange(scheme.range, { min: stats.min, max: stats.max, calibration }, bits, mode, convention);
    return [computeQParams(range.min, range.max, bits, mode, convention)];
  }
  const r = ranges.get(scheme.axis)!;
  return Array.from({ length: r.length / 2 }, (_, c) => {
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

/** Kernel memory of pass 2 besides the chunk buffers: the weights' bins, each scheme's accumulators and group carries. */
function slotBytes(schemes: number, bins: number, errorPercentiles: boolean, carryLengths: readonly number[]): number {
  const buckets = errorPercentiles ? regionBytes(WASM_ERROR_BUCKET_SLOTS, 4) : 0;
  const perScheme = regionBytes(ERR.LENGTH, 8) + buckets + regionBytes(WASM_CODE_SLOTS, 4) + regionBytes(bins + 1, 8);
  return regionBytes(bins + 1, 8) + schemes * perScheme + carryLengths.reduce((n, c) => n + regionBytes(c, 4) + regionBytes(2, 8), 0);
}
