/**
 * The distinct-value path: a tensor stored in 16 bits or less (BF16, F16, F8) holds at most
 * 65,536 distinct values. One pass counts how often each occurs; then the stats, the weights'
 * histogram and every per-tensor minmax int scheme are computed once per distinct value,
 * weighted by its count — whatever the tensor's size and however many schemes.
 *
 * Every per-value step is the reference's (same float32 formulas, same buckets and bins);
 * only float sums differ, by rounding order.
 */
import type { Histogram, IntResult, IntScheme, TensorStats } from '../../../shared/analysisTypes';
import type { DisplayRange } from '../../metrics/errorAccumulator';
import { finishTensorStats } from '../../metrics/tensorStats';
import { affineRoundTripRun } from '../../quant/affine/affineKernel';
import { ERR, ERROR_BUCKETS, ERROR_BUCKET_SHIFT, REL_ERR_EPSILON, newErrorAccumulator } from '../../metrics/errorStatsKernel';
import { STATS, newStatsAccumulator } from '../../metrics/statsKernel';
import { computeQParams, type QParams } from '../../quant/affine/qparams';
import { roundHalfEven } from '../../numeric/rounding';
import { chooseRange } from '../../quant/ranges/chooseRange';
import type { TensorEntry } from '../../tensor';
import { histogram, intResult } from './intResult';
import { passInto, type ChunkBuffer, type ChunkBuffers } from './kernelStream';
import { engineChunkLength, PassProgress, type PassHooks } from './passes';
import { countStored, countsStored } from './storedCounts';

/** Storage types whose float32 decodings leave the low 13 mantissa bits zero (10 or fewer mantissa bits). */
export const VALUE_COUNT_DTYPES: ReadonlySet<string> = new Set(['BF16', 'F16', 'F8_E4M3', 'F8_E5M2']);
/** A key is a float32's bits without its 13 low (zero) mantissa bits. */
const KEY_SHIFT = 13;
const KEYS = 1 << (32 - KEY_SHIFT);
const LOW_BITS = (1 << KEY_SHIFT) - 1;

const f32 = Math.fround;

/** The distinct values of a tensor, ascending by key, and how often each occurs. */
interface Distinct {
  readonly values: Float32Array;
  readonly counts: Float64Array;
  readonly nonFinite: number;
}

/** Raised when a chunk holds values with low mantissa bits set: the dtype promise does not hold. */
export class NotCountableError extends Error {}

export interface ValueCountResult {
  readonly stats: TensorStats;
  readonly histogram?: Histogram;
  readonly results: readonly IntResult[];
}

/** Per-tensor minmax int schemes of a ≤16-bit float tensor, in one pass over it. */
export async function analyzeByValueCounts(
  entry: TensorEntry, schemes: readonly IntScheme[], bins: number, errorPercentiles: boolean, hooks: PassHooks,
): Promise<ValueCountResult> {
  const distinct = await countValues(entry, new PassProgress(entry.numel, 1, hooks));
  const stats = finishTensorStats(statsOf(distinct));
  const display: DisplayRange = { min: stats.min, max: stats.max, bins, errorPercentiles };
  const weights = new Float64Array(bins);
  if (bins > 0) addBins(distinct.values, distinct.values, distinct.counts, display, weights);
  const results = schemes.map((s) => schemeResult(s, distinct, stats, display));
  return { stats, ...(bins > 0 ? { histogram: histogram(display, weights) } : {}), results };
}

async function countValues(entry: TensorEntry, progress: PassProgress): Promise<Distinct> {
  const table = new Uint32Array(KEYS);
  if (countsStored(entry)) await countStored(entry, table, KEY_SHIFT, progress);
  else await countWidened(entry, table, progress);
  let distinctCount = 0;
  for (let k = 0; k < KEYS; k++) if (table[k] !== 0) distinctCount++;
  const keyBits = new Uint32Array(distinctCount);
  const counts = new Float64Array(distinctCount);
  let nonFinite = 0;
  let j = 0;
  for (let k = 0; k < KEYS; k++) {
    const c = table[k]!;
    if (c === 0) continue;
    if (((k >>> 10) & 0xff) === 0xff) {
      nonFinite += c;
      continue;
    }
    keyBits[j] = k << KEY_SHIFT;
    counts[j++] = c;
  }
  return { values: new Float32Array(keyBits.buffer, 0, j), counts: counts.subarray(0, j), nonFinite };
}

/** Counts the keys of the values as read (float32): their low bits must be zero, or the tensor is not countable. */
async function countWidened(entry: TensorEntry, table: Uint32Array, progress: PassProgress): Promise<void> {
  let lowBits = 0;
  const chunkLength = engineChunkLength(entry.data.blockSize);
  const buffers: ChunkBuffers<ChunkBuffer> = [{ view: new Float32Array(chunkLength) }, { view: new Float32Array(chunkLength) }];
  await passInto(entry, { from: 0, to: entry.numel }, buffers, progress, (chunk, n) => {
    lowBits |= countKeys(new Uint32Array(chunk.view.buffer, 0, n), table);
    if ((lowBits & LOW_BITS) !== 0) throw new NotCountableError(`${entry.name}: values with more than 10 mantissa bits`);
  });
}

/**
 * Counts each float32's key; returns the OR of all bits (its low bits must stay zero). Runs of one
 * key are counted in a register and added once: incrementing one slot value after value (an
 * all-zero tensor) would chain every increment on the last through memory. A plain function:
 * locals stay in registers.
 */
function countKeys(bits: Uint32Array, table: Uint32Array): number {
  let all = 0;
  let key = 0;
  let run = 0;
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i]!;
    all |= b;
    const k = b >>> KEY_SHIFT;
    if (k === key) {
      run++;
      continue;
    }
    table[key]! += run;
    key = k;
    run = 1;
  }
  table[key]! += run;
  return all;
}

/** The STATS accumulator the reference would hold after seeing every value (sums in another order). */
function statsOf(d: Distinct): Float64Array {
  const acc = newStatsAccumulator();
  acc[STATS.NON_FINITE] = d.nonFinite;
  let count = 0;
  let sum = 0;
  for (let i = 0; i < d.values.length; i++) {
    const v = d.values[i]!;
    const c = d.counts[i]!;
    count += c;
    sum += c * v;
    if (v < acc[STATS.MIN]!) acc[STATS.MIN] = v;
    if (v > acc[STATS.MAX]!) acc[STATS.MAX] = v;
  }
  if (count === 0) return acc;
  const mean = sum / count;
  let m2 = 0;
  for (let i = 0; i < d.values.length; i++) {
    const dev = d.values[i]! - mean;
    m2 += d.counts[i]! * dev * dev;
  }
  acc[STATS.COUNT] = count;
  acc[STATS.MEAN] = mean;
  acc[STATS.M2] = m2;
  return acc;
}

/** histogramChunk's CLAMP bin of value[i], weighted by counts[i] (`values` decide membership, as NaN is skipped). */
function addBins(binned: Float32Array, values: Float32Array, counts: Float64Array, display: DisplayRange, out: Float64Array): void {
  const bins = out.length;
  const left = f32(display.min);
  const width = f32(f32(display.max) - left);
  for (let i = 0; i < binned.length; i++) {
    const v = binned[i]!;
    if (v - v !== 0 || values[i]! - values[i]! !== 0) continue;
    let bin: number;
    if (v < display.min || v > display.max) bin = v < display.min ? 0 : bins - 1;
    else if (!(width > 0)) bin = 0;
    else bin = Math.min(bins - 1, Math.trunc(f32(f32(f32(v - left) * bins) / width)));
    out[bin]! += counts[i]!;
  }
}

function schemeResult(scheme: IntScheme, d: Distinct, stats: TensorStats, display: DisplayRange): IntResult {
  const range = chooseRange(scheme.range, { min: stats.min, max: stats.max, calibration: null }, scheme.bits, scheme.mode, scheme.convention);
  const p = computeQParams(range.min, range.max, scheme.bits, scheme.mode, scheme.convention);
  const n = d.values.length;
  const deq = new Float32Array(n);
  affineRoundTripRun(d.values, deq, 0, n, p.scale, p.zeroPoint, p.qmin, p.qmax, p.multiplyByInverse);
  const acc = newErrorAccumulator();
  const errHist = new Float64Array(ERROR_BUCKETS);
  const errBits = new Uint32Array(1);
  const errFloat = new Float32Array(errBits.buffer);
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    const v = d.values[i]!;
    const c = d.counts[i]!;
    if (isClipped(v, p)) clipped += c;
    const q = deq[i]!;
    if (q - q !== 0) {
      acc[ERR.NON_FINITE_DEQ]! += c;
      continue;
    }
    const e = v - q;
    const a = Math.abs(e);
    acc[ERR.COUNT]! += c;
    acc[ERR.SUM_SQ_ERR]! += c * e * e;
    acc[ERR.SUM_SQ_X]! += c * v * v;
    acc[ERR.SUM_SQ_DEQ]! += c * q * q;
    acc[ERR.SUM_X_DEQ]! += c * v * q;
    if (a > acc[ERR.MAX_ABS_ERR]!) acc[ERR.MAX_ABS_ERR] = a;
    acc[ERR.SUM_REL_ERR]! += c * (a / (Math.abs(v) + REL_ERR_EPSILON));
    errFloat[0] = e;
    errHist[errBits[0]! >>> ERROR_BUCKET_SHIFT]! += c;
  }
  const deqCounts = new Float64Array(display.bins);
  if (display.bins > 0) addBins(deq, d.values, d.counts, display, deqCounts);
  return intResult(scheme, [p], { acc, errHist, deqCounts, clipped }, stats, display);
}

/** Whether affineRoundTripRun clamps v (kernels/affine.ts: round(v / scale) + zp outside [qmin, qmax]). */
function isClipped(v: number, p: QParams): boolean {
  if (p.scale === 0) return false;
  const s = f32(p.scale);
  const t = p.multiplyByInverse ? f32(v * f32(1 / s)) : f32(v / s);
  const q = f32(roundHalfEven(t) + p.zeroPoint);
  return q < p.qmin || q > p.qmax;
}
