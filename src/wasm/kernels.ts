// AssemblyScript: the hot loops of the reference kernels (src/core/metrics/*Kernel.ts, src/core/quant/affine/affineKernel.ts) with v128 SIMD, same results.
// Every pointer is a byte address in this module's memory; the JS glue (wasmKernels.ts) lays
// out the buffers. Float sums are in f64 like the reference, in 4 lanes instead of 1: they can
// differ from it in the last bits only. Counts, min/max, bins and buckets are identical.

/** ERR accumulator layout (src/core/metrics/errorStatsKernel.ts), in f64 slots. */
const ERR_COUNT: usize = 0;
const ERR_SUM_SQ_ERR: usize = 1;
const ERR_SUM_SQ_X: usize = 2;
const ERR_SUM_SQ_DEQ: usize = 3;
const ERR_SUM_X_DEQ: usize = 4;
const ERR_MAX_ABS_ERR: usize = 5;
const ERR_SUM_REL_ERR: usize = 6;
const ERR_NON_FINITE_DEQ: usize = 7;

/** STATS accumulator layout (src/core/metrics/statsKernel.ts). */
const STATS_COUNT: usize = 0;
const STATS_NON_FINITE: usize = 1;
const STATS_MIN: usize = 2;
const STATS_MAX: usize = 3;
const STATS_MEAN: usize = 4;
const STATS_M2: usize = 5;

/** histogramChunk flags (src/core/metrics/histogramKernel.ts). */
const HIST_ABSOLUTE: i32 = 1;
const HIST_CLAMP: i32 = 2;

/** The error histogram's bucket of a float32 error: its top 16 bits. */
const ERROR_BUCKET_SHIFT: i32 = 16;
/** Index of the throw-away slot after the last real bucket (masked-out lanes land there). */
const ERROR_DUMMY_BUCKET: i32 = 65536;
/** Integer codes per lane table (2^8 for 8 bits) plus a throw-away slot. */
const CODE_SLOTS: i32 = 257;
const CODE_DUMMY: i32 = 256;
/** 2^23 and its float32 bits: 2^23 + k, for an integer k in [0, 2^23), has k in its mantissa. */
const CODE_MAGIC: i32 = 8388608;
const CODE_MAGIC_BITS: i32 = 0x4b000000;

/** CLI.md: meanRelErrPct = mean(|x - deq| / (|x| + 1e-10)) * 100. */
const REL_ERR_EPSILON: f64 = 1e-10;

@inline function f64slot(base: usize, slot: usize): usize {
  return base + (slot << 3);
}

@inline function addF64(base: usize, slot: usize, value: f64): void {
  store<f64>(f64slot(base, slot), load<f64>(f64slot(base, slot)) + value);
}

@inline function sumLanesF64(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

@inline function sumLanesI32(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

@inline function isFinite32(v: v128): v128 {
  return f32x4.eq(f32x4.sub(v, v), f32x4.splat(0));
}

/** The two f64x2 halves of an f32x4. */
@inline function lowF64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

@inline function highF64(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

/** i64x2 lane masks of the low and high halves of an i32x4 mask. */
@inline function lowMask(m: v128): v128 {
  return i64x2.extend_low_i32x4_s(m);
}

@inline function highMask(m: v128): v128 {
  return i64x2.extend_high_i32x4_s(m);
}

/** maskedSums's results (wasm globals: the module allocates no memory of its own). */
let maskedCount: i32 = 0;
let maskedSum: f64 = 0;
let maskedLo: f64 = Infinity;
let maskedHi: f64 = -Infinity;

/** Finite count, sum, min and max of the vector part x[0..vecEnd), with lane masks, into the masked* globals. */
function maskedSums(x: usize, vecEnd: i32): void {
  let count = i32x4.splat(0);
  let sumLo = f64x2.splat(0);
  let sumHi = f64x2.splat(0);
  let min = f32x4.splat(Infinity);
  let max = f32x4.splat(-Infinity);
  const zero = f32x4.splat(0);
  for (let i = 0; i < vecEnd; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const finite = isFinite32(v);
    const vz = v128.bitselect(v, zero, finite);
    count = i32x4.sub(count, finite);
    sumLo = f64x2.add(sumLo, lowF64(vz));
    sumHi = f64x2.add(sumHi, highF64(vz));
    min = f32x4.pmin(min, v128.bitselect(v, f32x4.splat(Infinity), finite));
    max = f32x4.pmax(max, v128.bitselect(v, f32x4.splat(-Infinity), finite));
  }
  maskedCount = sumLanesI32(count);
  maskedSum = sumLanesF64(f64x2.add(sumLo, sumHi));
  maskedLo = <f64>Mathf.min(Mathf.min(f32x4.extract_lane(min, 0), f32x4.extract_lane(min, 1)), Mathf.min(f32x4.extract_lane(min, 2), f32x4.extract_lane(min, 3)));
  maskedHi = <f64>Mathf.max(Mathf.max(f32x4.extract_lane(max, 0), f32x4.extract_lane(max, 1)), Mathf.max(f32x4.extract_lane(max, 2), f32x4.extract_lane(max, 3)));
}

/**
 * M2 = sum x^2 - c mean^2 is taken from the one-pass sums when c mean^2 is at most this share of
 * sum x^2: M2 is then at least half of sum x^2, so the subtraction loses at most a bit, and the
 * result stays within a few ulps of the sums (as the two-pass form). Otherwise (data far from 0
 * for its spread) the chunk is read again for sum (x - mean)^2.
 */
const ONE_PASS_M2_SHARE: f64 = 0.5;

/** statsChunk: adds x[0..n) to the STATS accumulator at `acc` (count, non-finite, min, max, mean, M2). */
export function statsChunk(x: usize, n: i32, acc: usize): void {
  const vecEnd = n & ~3;
  // Optimistic first: no lane masks. A NaN makes the sum NaN and an infinity the min or max
  // infinite (pmin/pmax skip NaN); then the chunk is read again with masks.
  let sumLo = f64x2.splat(0);
  let sumHi = f64x2.splat(0);
  let sqLo = f64x2.splat(0);
  let sqHi = f64x2.splat(0);
  let min = f32x4.splat(Infinity);
  let max = f32x4.splat(-Infinity);
  for (let i = 0; i < vecEnd; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const vLo = lowF64(v);
    const vHi = highF64(v);
    sumLo = f64x2.add(sumLo, vLo);
    sumHi = f64x2.add(sumHi, vHi);
    sqLo = f64x2.add(sqLo, f64x2.mul(vLo, vLo));
    sqHi = f64x2.add(sqHi, f64x2.mul(vHi, vHi));
    min = f32x4.pmin(min, v);
    max = f32x4.pmax(max, v);
  }
  let c = vecEnd;
  let sum = sumLanesF64(f64x2.add(sumLo, sumHi));
  let sq = sumLanesF64(f64x2.add(sqLo, sqHi));
  let lo: f64 = <f64>Mathf.min(Mathf.min(f32x4.extract_lane(min, 0), f32x4.extract_lane(min, 1)), Mathf.min(f32x4.extract_lane(min, 2), f32x4.extract_lane(min, 3)));
  let hi: f64 = <f64>Mathf.max(Mathf.max(f32x4.extract_lane(max, 0), f32x4.extract_lane(max, 1)), Mathf.max(f32x4.extract_lane(max, 2), f32x4.extract_lane(max, 3)));
  const vectorsFinite = sum - sum == 0 && lo > -Infinity && hi < Infinity;
  if (!vectorsFinite) {
    maskedSums(x, vecEnd);
    c = maskedCount;
    sum = maskedSum;
    lo = maskedLo;
    hi = maskedHi;
  }
  for (let i = vecEnd; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    if (v - v != 0) continue;
    c++;
    sum += v;
    sq += v * v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  addF64(acc, STATS_NON_FINITE, <f64>(n - c));
  if (c == 0) return;
  const mean = sum / <f64>c;
  // Finite values of a float32 square and sum to far below the f64 maximum: sq is finite when they all are.
  const m2 = vectorsFinite && sum * mean <= ONE_PASS_M2_SHARE * sq ? sq - sum * mean : centredSquares(x, n, vecEnd, mean, vectorsFinite);
  // Chan et al. merge, exactly as the reference.
  const before = load<f64>(f64slot(acc, STATS_COUNT));
  const total = before + <f64>c;
  const delta = mean - load<f64>(f64slot(acc, STATS_MEAN));
  store<f64>(f64slot(acc, STATS_MEAN), load<f64>(f64slot(acc, STATS_MEAN)) + (delta * <f64>c) / total);
  store<f64>(f64slot(acc, STATS_M2), load<f64>(f64slot(acc, STATS_M2)) + m2 + (delta * delta * before * <f64>c) / total);
  store<f64>(f64slot(acc, STATS_COUNT), total);
  if (lo < load<f64>(f64slot(acc, STATS_MIN))) store<f64>(f64slot(acc, STATS_MIN), lo);
  if (hi > load<f64>(f64slot(acc, STATS_MAX))) store<f64>(f64slot(acc, STATS_MAX), hi);
}

/** Sum of (x - mean)^2 over the finite values of x[0..n), the second read of statsChunk; `vectorsFinite`: no lane masks. */
function centredSquares(x: usize, n: i32, vecEnd: i32, mean: f64, vectorsFinite: bool): f64 {
  const meanV = f64x2.splat(mean);
  let m2Lo = f64x2.splat(0);
  let m2Hi = f64x2.splat(0);
  if (vectorsFinite) {
    for (let i = 0; i < vecEnd; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      const dLo = f64x2.sub(lowF64(v), meanV);
      const dHi = f64x2.sub(highF64(v), meanV);
      m2Lo = f64x2.add(m2Lo, f64x2.mul(dLo, dLo));
      m2Hi = f64x2.add(m2Hi, f64x2.mul(dHi, dHi));
    }
  } else {
    for (let i = 0; i < vecEnd; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      const finite = isFinite32(v);
      const dLo = f64x2.sub(lowF64(v), meanV);
      const dHi = f64x2.sub(highF64(v), meanV);
      m2Lo = f64x2.add(m2Lo, v128.and(f64x2.mul(dLo, dLo), lowMask(finite)));
      m2Hi = f64x2.add(m2Hi, v128.and(f64x2.mul(dHi, dHi), highMask(finite)));
    }
  }
  let m2 = sumLanesF64(f64x2.add(m2Lo, m2Hi));
  for (let i = vecEnd; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    if (v - v != 0) continue;
    const d = v - mean;
    m2 += d * d;
  }
  return m2;
}

/** minMaxRun: folds the finite min and max of x[from..to) into out[index] and out[index + 1] (f64 slots). */
export function minMaxRun(x: usize, from: i32, to: i32, out: usize, index: i32): void {
  let lo = load<f64>(f64slot(out, <usize>index));
  let hi = load<f64>(f64slot(out, <usize>index + 1));
  let i = from;
  // Scalar up to 16-byte alignment, then 4 lanes, then the tail.
  for (; i < to && (i & 3) != 0; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    if (v - v != 0) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (to - i >= 4) {
    let min = f32x4.splat(Infinity);
    let max = f32x4.splat(-Infinity);
    for (; i + 4 <= to; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      const finite = isFinite32(v);
      min = f32x4.pmin(min, v128.bitselect(v, f32x4.splat(Infinity), finite));
      max = f32x4.pmax(max, v128.bitselect(v, f32x4.splat(-Infinity), finite));
    }
    const vMin = <f64>Mathf.min(Mathf.min(f32x4.extract_lane(min, 0), f32x4.extract_lane(min, 1)), Mathf.min(f32x4.extract_lane(min, 2), f32x4.extract_lane(min, 3)));
    const vMax = <f64>Mathf.max(Mathf.max(f32x4.extract_lane(max, 0), f32x4.extract_lane(max, 1)), Mathf.max(f32x4.extract_lane(max, 2), f32x4.extract_lane(max, 3)));
    if (vMin < lo) lo = vMin;
    if (vMax > hi) hi = vMax;
  }
  for (; i < to; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    if (v - v != 0) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  store<f64>(f64slot(out, <usize>index), lo);
  store<f64>(f64slot(out, <usize>index + 1), hi);
}

/**
 * Bin of each lane as histogramChunk computes it (torch.histc in float32), or `dummy` for lanes
 * that are not counted. `lo` and `hi` are float32 values (the glue checks), so comparing in f32
 * is comparing with the reference's f64 bounds.
 */
@inline function binLanes(v: v128, counted: v128, lo: v128, hi: v128, binsF: v128, width: v128, bins: i32, clamp: bool, dummy: i32): v128 {
  const below = f32x4.lt(v, lo);
  const above = f32x4.gt(v, hi);
  const inside = v128.not(v128.or(below, above));
  let bin = i32x4.trunc_sat_f32x4_s(f32x4.div(f32x4.mul(f32x4.sub(v, lo), binsF), width));
  bin = i32x4.min_s(bin, i32x4.splat(bins - 1));
  bin = v128.bitselect(i32x4.splat(0), bin, below);
  bin = v128.bitselect(i32x4.splat(bins - 1), bin, above);
  const keep = clamp ? counted : v128.and(counted, inside);
  return v128.bitselect(bin, i32x4.splat(dummy), keep);
}

/** One u32 count per lane index. */
@inline function countLanesU32(counts: usize, index: v128): void {
  // Two 64-bit extracts and scalar splits are cheaper than four 32-bit extracts.
  const w01 = i64x2.extract_lane(index, 0);
  const w23 = i64x2.extract_lane(index, 1);
  const p0 = counts + (<usize><u32>w01 << 2);
  store<u32>(p0, load<u32>(p0) + 1);
  const p1 = counts + (<usize><u32>(w01 >>> 32) << 2);
  store<u32>(p1, load<u32>(p1) + 1);
  const p2 = counts + (<usize><u32>w23 << 2);
  store<u32>(p2, load<u32>(p2) + 1);
  const p3 = counts + (<usize><u32>(w23 >>> 32) << 2);
  store<u32>(p3, load<u32>(p3) + 1);
}

/** Lane k counts into its own table k (tables of CODE_SLOTS u32): no store-to-load chain across lanes. */
@inline function countCodes(tables: usize, code: v128): void {
  // Codes are 0..256: two 64-bit extracts split in scalar, as countLanesU32.
  const w01 = i64x2.extract_lane(code, 0);
  const w23 = i64x2.extract_lane(code, 1);
  const p0 = tables + (<usize><u32>w01 << 2);
  store<u32>(p0, load<u32>(p0) + 1);
  const p1 = tables + (<usize>(CODE_SLOTS + <i32>(w01 >>> 32)) << 2);
  store<u32>(p1, load<u32>(p1) + 1);
  const p2 = tables + (<usize>(2 * CODE_SLOTS + <i32><u32>w23) << 2);
  store<u32>(p2, load<u32>(p2) + 1);
  const p3 = tables + (<usize>(3 * CODE_SLOTS + <i32>(w23 >>> 32)) << 2);
  store<u32>(p3, load<u32>(p3) + 1);
}

@inline function countLanes(counts: usize, bins: v128): void {
  addF64(counts, <usize>i32x4.extract_lane(bins, 0), 1);
  addF64(counts, <usize>i32x4.extract_lane(bins, 1), 1);
  addF64(counts, <usize>i32x4.extract_lane(bins, 2), 1);
  addF64(counts, <usize>i32x4.extract_lane(bins, 3), 1);
}

/** The reference's scalar bin of one finite value, or -1 when it is not counted. */
@inline function binScalar(v: f32, lo: f32, hi: f32, width: f32, bins: i32, clamp: bool): i32 {
  if (v < lo || v > hi) {
    if (!clamp) return -1;
    return v < lo ? 0 : bins - 1;
  }
  if (!(width > 0)) return 0;
  const bin = <i32>((v - lo) * <f32>bins / width);
  return bin >= bins ? bins - 1 : bin;
}

/**
 * histogramChunk: adds the finite values of x[from..to) to counts[0..bins) (f64 slots; slot
 * `bins` is scratch). Same flags and float32 bin formula as the reference.
 */
export function histogramChunk(x: usize, from: i32, to: i32, lo: f32, hi: f32, counts: usize, bins: i32, flags: i32): void {
  const absolute = (flags & HIST_ABSOLUTE) != 0;
  const clamp = (flags & HIST_CLAMP) != 0;
  const width: f32 = hi - lo;
  let i = from;
  for (; i < to && (i & 3) != 0; i++) histogramOne(load<f32>(x + (<usize>i << 2)), lo, hi, width, counts, bins, absolute, clamp);
  if (width > 0) {
    const loV = f32x4.splat(lo);
    const hiV = f32x4.splat(hi);
    const binsF = f32x4.splat(<f32>bins);
    const widthV = f32x4.splat(width);
    for (; i + 4 <= to; i += 4) {
      let v = v128.load(x + (<usize>i << 2));
      if (absolute) v = f32x4.abs(v);
      countLanes(counts, binLanes(v, isFinite32(v), loV, hiV, binsF, widthV, bins, clamp, bins));
    }
  }
  for (; i < to; i++) histogramOne(load<f32>(x + (<usize>i << 2)), lo, hi, width, counts, bins, absolute, clamp);
}

@inline function histogramOne(value: f32, lo: f32, hi: f32, width: f32, counts: usize, bins: i32, absolute: bool, clamp: bool): void {
  if (value - value != 0) return;
  const bin = binScalar(absolute ? Mathf.abs(value) : value, lo, hi, width, bins, clamp);
  if (bin >= 0) addF64(counts, <usize>bin, 1);
}

/**
 * affineErrorRun: affineRoundTripRun then errorStatsChunk and the CLAMP histogram of deq, fused:
 * one read of x, no deq written. Round trip in float32 (x / scale by division, or x * f32(1/scale)
 * when `multiplyByInverse`), round half to even (f32x4.nearest), error sums in f64.
 * scale 0 reconstructs x exactly. Returns how many finite values were clipped.
 *
 * acc: ERR layout (f64). errHist: 65537 u32 (65536 buckets + scratch), or 0 for no buckets (no
 * percentiles: the table's metrics only, with no per-element scatter). deqCounts: bins + 1 f64
 * slots over [lo, hi]; bins 0 for none. codes: 4 * CODE_SLOTS u32 of zeros, scratch: every value
 * of one code has the same deq, so the vector loop counts codes and bins each code once at the end;
 * binEach bins every deq instead (short runs, where binning 2^bits codes would cost more).
 */
export function affineErrorRun(
  x: usize, from: i32, to: i32,
  scale: f32, zeroPoint: f32, qmin: f32, qmax: f32, multiplyByInverse: bool,
  acc: usize, errHist: usize, codes: usize,
  deqCounts: usize, bins: i32, lo: f32, hi: f32, binEach: bool,
): i32 {
  return affineErrorRunWith(x, from, to, scale, zeroPoint, qmin, qmax, multiplyByInverse, acc, errHist, codes, deqCounts, bins, lo, hi, binEach, false);
}

/**
 * affineErrorRun for data known to be all finite, with a deq that cannot overflow (the caller
 * checks both): no lane masks, and the sum of x^2 left out (the same for every scheme, the
 * caller adds it once: the engine from pass 1, the bench by sumSquares).
 */
export function affineErrorRunFinite(
  x: usize, from: i32, to: i32,
  scale: f32, zeroPoint: f32, qmin: f32, qmax: f32, multiplyByInverse: bool,
  acc: usize, errHist: usize, codes: usize,
  deqCounts: usize, bins: i32, lo: f32, hi: f32, binEach: bool,
): i32 {
  return affineErrorRunWith(x, from, to, scale, zeroPoint, qmin, qmax, multiplyByInverse, acc, errHist, codes, deqCounts, bins, lo, hi, binEach, true);
}

/** Sum of x^2 over x[0..n), in f64 (4 lanes). */
export function sumSquares(x: usize, n: i32): f64 {
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  const vecEnd = n & ~3;
  for (let i = 0; i < vecEnd; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const vLo = lowF64(v);
    const vHi = highF64(v);
    lo = f64x2.add(lo, f64x2.mul(vLo, vLo));
    hi = f64x2.add(hi, f64x2.mul(vHi, vHi));
  }
  let sum = sumLanesF64(f64x2.add(lo, hi));
  for (let i = vecEnd; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    sum += v * v;
  }
  return sum;
}

/** The one body of both variants; `allFinite` is a constant at each call site, so each gets its own loop. */
@inline function affineErrorRunWith(
  x: usize, from: i32, to: i32,
  scale: f32, zeroPoint: f32, qmin: f32, qmax: f32, multiplyByInverse: bool,
  acc: usize, errHist: usize, codes: usize,
  deqCounts: usize, bins: i32, lo: f32, hi: f32, binEach: bool, allFinite: bool,
): i32 {
  const degenerate = scale == 0;
  const inverse: f32 = degenerate ? 0 : <f32>1 / scale;
  const width: f32 = hi - lo;
  // Codes are binned once per run: worth it for long runs, not for short groups (binEach).
  const direct = degenerate || binEach;
  const countCodesToo = bins > 0 && !direct;
  const vectorBins = bins > 0 && direct && width > 0;
  const buckets = errHist != 0;
  let clipped = 0;
  let i = from;
  for (; i < to && (i & 3) != 0; i++) {
    clipped += affineOne(load<f32>(x + (<usize>i << 2)), scale, inverse, zeroPoint, qmin, qmax, multiplyByInverse, degenerate, acc, errHist, deqCounts, bins, lo, hi, width, !allFinite);
  }

  const s = f32x4.splat(scale);
  const inv = f32x4.splat(inverse);
  const z = f32x4.splat(zeroPoint);
  const qlo = f32x4.splat(qmin);
  const qhi = f32x4.splat(qmax);
  const loV = f32x4.splat(lo);
  const hiV = f32x4.splat(hi);
  const binsF = f32x4.splat(<f32>bins);
  const widthV = f32x4.splat(width);
  const relEps = f64x2.splat(REL_ERR_EPSILON);
  const zero = f32x4.splat(0);
  // q + 2^23 - qmin is exact (a small integer), so its low mantissa bits are the code (no trunc_sat).
  const codeBias = f32x4.splat(<f32>CODE_MAGIC - qmin);
  const codeBits = i32x4.splat(CODE_MAGIC_BITS);
  const codeDummy = i32x4.splat(CODE_DUMMY);
  let count = i32x4.splat(0);
  let clip = i32x4.splat(0);
  let nonFiniteDeq = i32x4.splat(0);
  let sqErr = f64x2.splat(0);
  let sqX = f64x2.splat(0);
  let sqDeq = f64x2.splat(0);
  let xDeq = f64x2.splat(0);
  let rel = f64x2.splat(0);
  let maxErr = f64x2.splat(load<f64>(f64slot(acc, ERR_MAX_ABS_ERR)));
  const allLanes = i32x4.splat(-1);
  const vectorStart = i;
  for (; i + 4 <= to; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const finite = allFinite ? allLanes : isFinite32(v);
    let d: v128;
    let q = zero;
    if (degenerate) {
      d = v;
    } else {
      const t = multiplyByInverse ? f32x4.mul(v, inv) : f32x4.div(v, s);
      const q0 = f32x4.add(f32x4.nearest(t), z);
      const out = v128.or(f32x4.lt(q0, qlo), f32x4.gt(q0, qhi));
      clip = i32x4.sub(clip, allFinite ? out : v128.and(finite, out));
      q = f32x4.pmax(f32x4.pmin(q0, qhi), qlo);
      d = f32x4.mul(s, f32x4.sub(q, z));
    }
    let valid = allLanes;
    let vz = v;
    let dz = d;
    if (!allFinite) {
      const deqFinite = isFinite32(d);
      valid = v128.and(finite, deqFinite);
      count = i32x4.sub(count, valid);
      nonFiniteDeq = i32x4.sub(nonFiniteDeq, v128.andnot(finite, deqFinite));
      // Invalid lanes become (0, 0): they add nothing to any sum.
      vz = v128.bitselect(v, zero, valid);
      dz = v128.bitselect(d, zero, valid);
    }
    if (countCodesToo) {
      const code = i32x4.sub(f32x4.add(q, codeBias), codeBits);
      countCodes(codes, allFinite ? code : v128.bitselect(code, codeDummy, valid));
    }
    const vLo = lowF64(vz);
    const vHi = highF64(vz);
    const dLo = lowF64(dz);
    const dHi = highF64(dz);
    const eLo = f64x2.sub(vLo, dLo);
    const eHi = f64x2.sub(vHi, dHi);
    sqErr = f64x2.add(sqErr, f64x2.add(f64x2.mul(eLo, eLo), f64x2.mul(eHi, eHi)));
    if (!allFinite) sqX = f64x2.add(sqX, f64x2.add(f64x2.mul(vLo, vLo), f64x2.mul(vHi, vHi)));
    sqDeq = f64x2.add(sqDeq, f64x2.add(f64x2.mul(dLo, dLo), f64x2.mul(dHi, dHi)));
    xDeq = f64x2.add(xDeq, f64x2.add(f64x2.mul(vLo, dLo), f64x2.mul(vHi, dHi)));
    const aLo = f64x2.abs(eLo);
    const aHi = f64x2.abs(eHi);
    maxErr = f64x2.pmax(maxErr, f64x2.pmax(aLo, aHi));
    // a/y + a'/y' = (a y' + a' y) / (y y'): one division per 4 values. Every term is >= 0 and
    // y in [1e-10, 4e38], so no overflow and a few ulps per pair, a few ulps of the sum.
    const yLo = f64x2.add(f64x2.abs(vLo), relEps);
    const yHi = f64x2.add(f64x2.abs(vHi), relEps);
    rel = f64x2.add(rel, f64x2.div(f64x2.add(f64x2.mul(aLo, yHi), f64x2.mul(aHi, yLo)), f64x2.mul(yLo, yHi)));
    // The reference buckets float32(e). e = x - deq is exact in f64 (the two are within a factor
    // of 2^29 of each other), so the float32 subtraction rounds it the same way.
    if (buckets) {
      const bucket = i32x4.shr_u(f32x4.sub(v, d), ERROR_BUCKET_SHIFT);
      countLanesU32(errHist, allFinite ? bucket : v128.bitselect(bucket, i32x4.splat(ERROR_DUMMY_BUCKET), valid));
    }
    if (vectorBins) countLanes(deqCounts, binLanes(d, valid, loV, hiV, binsF, widthV, bins, true, bins));
    else if (bins > 0 && direct) binScalarLanes(d, valid, lo, hi, width, deqCounts, bins);
  }
  if (allFinite) count = i32x4.splat((i - vectorStart) >> 2);
  addF64(acc, ERR_COUNT, <f64>sumLanesI32(count));
  addF64(acc, ERR_SUM_SQ_ERR, sumLanesF64(sqErr));
  addF64(acc, ERR_SUM_SQ_X, sumLanesF64(sqX));
  addF64(acc, ERR_SUM_SQ_DEQ, sumLanesF64(sqDeq));
  addF64(acc, ERR_SUM_X_DEQ, sumLanesF64(xDeq));
  addF64(acc, ERR_SUM_REL_ERR, sumLanesF64(rel));
  addF64(acc, ERR_NON_FINITE_DEQ, <f64>sumLanesI32(nonFiniteDeq));
  store<f64>(f64slot(acc, ERR_MAX_ABS_ERR), Math.max(f64x2.extract_lane(maxErr, 0), f64x2.extract_lane(maxErr, 1)));
  clipped += sumLanesI32(clip);

  for (; i < to; i++) {
    clipped += affineOne(load<f32>(x + (<usize>i << 2)), scale, inverse, zeroPoint, qmin, qmax, multiplyByInverse, degenerate, acc, errHist, deqCounts, bins, lo, hi, width, !allFinite);
  }
  if (countCodesToo) binCodes(codes, scale, zeroPoint, <i32>qmin, <i32>qmax, deqCounts, bins, lo, hi, width);
  return clipped;
}

/** Adds each code's count (summed over the 4 lane tables) to the bin of its deq, and zeroes the tables. */
function binCodes(codes: usize, scale: f32, zeroPoint: f32, qmin: i32, qmax: i32, deqCounts: usize, bins: i32, lo: f32, hi: f32, width: f32): void {
  for (let c = 0; c <= qmax - qmin; c++) {
    let n: u32 = 0;
    for (let lane = 0; lane < 4; lane++) {
      const p = codes + (<usize>(lane * CODE_SLOTS + c) << 2);
      n += load<u32>(p);
      store<u32>(p, 0);
    }
    if (n == 0) continue;
    const d: f32 = scale * (<f32>(qmin + c) - zeroPoint);
    if (d - d != 0) continue;
    const bin = binScalar(d, lo, hi, width, bins, true);
    if (bin >= 0) addF64(deqCounts, <usize>bin, <f64>n);
  }
}

/** Lanes binned one by one (degenerate display range: hi <= lo). */
@inline function binScalarLanes(d: v128, valid: v128, lo: f32, hi: f32, width: f32, counts: usize, bins: i32): void {
  if (i32x4.extract_lane(valid, 0) != 0) binScalarCount(f32x4.extract_lane(d, 0), lo, hi, width, counts, bins);
  if (i32x4.extract_lane(valid, 1) != 0) binScalarCount(f32x4.extract_lane(d, 1), lo, hi, width, counts, bins);
  if (i32x4.extract_lane(valid, 2) != 0) binScalarCount(f32x4.extract_lane(d, 2), lo, hi, width, counts, bins);
  if (i32x4.extract_lane(valid, 3) != 0) binScalarCount(f32x4.extract_lane(d, 3), lo, hi, width, counts, bins);
}

@inline function binScalarCount(d: f32, lo: f32, hi: f32, width: f32, counts: usize, bins: i32): void {
  const bin = binScalar(d, lo, hi, width, bins, true);
  if (bin >= 0) addF64(counts, <usize>bin, 1);
}

/** One element of affineErrorRun, scalar (the unaligned head and the tail); returns 1 when clipped. */
function affineOne(
  v: f32, scale: f32, inverse: f32, zeroPoint: f32, qmin: f32, qmax: f32, multiplyByInverse: bool, degenerate: bool,
  acc: usize, errHist: usize, deqCounts: usize, bins: i32, lo: f32, hi: f32, width: f32, sumSquaresToo: bool,
): i32 {
  if (v - v != 0) return 0;
  let d = v;
  let clipped = 0;
  if (!degenerate) {
    const t: f32 = multiplyByInverse ? v * inverse : v / scale;
    let q: f32 = nearest<f32>(t) + zeroPoint;
    if (q < qmin) {
      q = qmin;
      clipped = 1;
    } else if (q > qmax) {
      q = qmax;
      clipped = 1;
    }
    d = scale * (q - zeroPoint);
  }
  if (d - d != 0) {
    addF64(acc, ERR_NON_FINITE_DEQ, 1);
    return clipped;
  }
  const x64 = <f64>v;
  const d64 = <f64>d;
  const e = x64 - d64;
  const a = Math.abs(e);
  addF64(acc, ERR_COUNT, 1);
  addF64(acc, ERR_SUM_SQ_ERR, e * e);
  if (sumSquaresToo) addF64(acc, ERR_SUM_SQ_X, x64 * x64);
  addF64(acc, ERR_SUM_SQ_DEQ, d64 * d64);
  addF64(acc, ERR_SUM_X_DEQ, x64 * d64);
  if (a > load<f64>(f64slot(acc, ERR_MAX_ABS_ERR))) store<f64>(f64slot(acc, ERR_MAX_ABS_ERR), a);
  addF64(acc, ERR_SUM_REL_ERR, a / (Math.abs(x64) + REL_ERR_EPSILON));
  if (errHist != 0) {
    const bucket = errHist + (<usize>(reinterpret<u32>(<f32>e) >>> ERROR_BUCKET_SHIFT) << 2);
    store<u32>(bucket, load<u32>(bucket) + 1);
  }
  if (bins > 0) {
    const bin = binScalar(d, lo, hi, width, bins, true);
    if (bin >= 0) addF64(deqCounts, <usize>bin, 1);
  }
  return clipped;
}

/** affineSuiteFinite's scheme records: scale, zero point, qmin, qmax (f32), flags (i32, SUITE_* below), the kernel's loop constants. */
const SUITE_RECORD_BYTES: usize = 32;
/** Byte offsets in a scheme record: the caller's four f32 and flags, then the kernel's own loop constants. */
const SUITE_SCALE: usize = 0;
const SUITE_ZERO_POINT: usize = 4;
const SUITE_QMIN: usize = 8;
const SUITE_QMAX: usize = 12;
const SUITE_FLAGS: usize = 16;
const SUITE_INVERSE: usize = 20;
const SUITE_REL_EPSILON: usize = 24;
/** Record flag: the round trip multiplies by f32(1/scale) (torch) instead of dividing. */
const SUITE_MULTIPLY_BY_INVERSE: i32 = 1;
/** Record flag: no value of the data can clip (the caller checked its min and max): no clamp, no clip count. */
const SUITE_NO_CLIP: i32 = 2;
/** affineSuiteFinite's accumulators per scheme: the ERR layout, then the clipped count (f64 slots). */
const SUITE_ACC_SLOTS: usize = 10;
const SUITE_ACC_CLIPPED: usize = 8;
/**
 * Sum of x (x - deq), in place of the ERR sums of deq^2 and x deq (left 0): the caller derives
 * them as sum x^2 - sum x e and sum x^2 - 2 sum x e + sum e^2 (4 products a value fewer).
 */
const SUITE_ACC_SUM_X_ERR: usize = 9;
/** Values per tile: a tile's x, x in f64 and 1/(|x| + eps) (20 bytes a value) stay in L1 across the schemes. */
const SUITE_TILE: i32 = 512;

/**
 * affineSuiteFinite: the table's metrics of several per-tensor schemes over x[0..n) in one read of
 * each tile: x widened to f64 and 1/(|x| + 1e-10) are computed once per tile into `scratch`
 * (SUITE_TILE * 16 bytes), then each scheme's round trip and error sums run over the tile. No
 * error buckets, no histograms (no per-element scatter). For data known to be all finite with no
 * scheme's deq able to overflow and no scale 0 (the caller checks); the sum of x^2 is left to the
 * caller, as in affineErrorRunFinite. Sums in f64 as the reference, in lanes.
 *
 * params: `schemes` records of SUITE_RECORD_BYTES. accs: `schemes` blocks of SUITE_ACC_SLOTS f64.
 */
export function affineSuiteFinite(x: usize, n: i32, params: usize, schemes: i32, accs: usize, scratch: usize): void {
  if (schemes == 1) {
    // Nothing to share between schemes: one run over the whole vector part, no tiles.
    const vecEnd = n & ~3;
    suiteScheme(x, vecEnd, params, accs, scratch, false);
    for (let i = vecEnd; i < n; i++) suiteOne(load<f32>(x + (<usize>i << 2)), params, accs);
    return;
  }
  for (let tile = 0; tile < n; tile += SUITE_TILE) {
    const m = min(SUITE_TILE, n - tile);
    const xt = x + (<usize>tile << 2);
    const vecEnd = m & ~3;
    widenTile(xt, vecEnd, scratch);
    for (let s = 0; s < schemes; s++) {
      suiteScheme(xt, vecEnd, params + <usize>s * SUITE_RECORD_BYTES, accs + ((<usize>s * SUITE_ACC_SLOTS) << 3), scratch, true);
    }
    for (let i = vecEnd; i < m; i++) {
      const v = load<f32>(xt + (<usize>i << 2));
      for (let s = 0; s < schemes; s++) {
        suiteOne(v, params + <usize>s * SUITE_RECORD_BYTES, accs + ((<usize>s * SUITE_ACC_SLOTS) << 3));
      }
    }
  }
}

/** Per 4 values of a tile, 4 f64x2 in `scratch`: x low and high halves, 1/(|x| + eps) low and high. */
function widenTile(x: usize, vecEnd: i32, scratch: usize): void {
  const relEps = f64x2.splat(REL_ERR_EPSILON);
  const one = f64x2.splat(1);
  for (let i = 0; i < vecEnd; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const xLo = lowF64(v);
    const xHi = highF64(v);
    const yLo = f64x2.add(f64x2.abs(xLo), relEps);
    const yHi = f64x2.add(f64x2.abs(xHi), relEps);
    // 1/y and 1/y' from one division: 1/(y y') times y' and y (y in [1e-10, 4e38]: no overflow).
    const r = f64x2.div(one, f64x2.mul(yLo, yHi));
    const out = scratch + (<usize>i << 4);
    v128.store(out, xLo);
    v128.store(out, xHi, 16);
    v128.store(out, f64x2.mul(r, yHi), 32);
    v128.store(out, f64x2.mul(r, yLo), 48);
  }
}

/** One scheme over the vector part of a tile; `widened` reads x in f64 and 1/y from scratch, else computes them. */
@inline function suiteScheme(x: usize, vecEnd: i32, p: usize, acc: usize, scratch: usize, widened: bool): void {
  const flags = load<i32>(p, SUITE_FLAGS);
  const byInverse = (flags & SUITE_MULTIPLY_BY_INVERSE) != 0;
  const clamp = (flags & SUITE_NO_CLIP) == 0;
  if (widened) {
    if (clamp) {
      if (byInverse) suiteWidenedByInverseClamped(x, vecEnd, p, acc, scratch);
      else suiteWidenedClamped(x, vecEnd, p, acc, scratch);
    } else {
      if (byInverse) suiteWidenedByInverse(x, vecEnd, p, acc, scratch);
      else suiteWidened(x, vecEnd, p, acc, scratch);
    }
  } else {
    if (clamp) {
      if (byInverse) suiteDirectByInverseClamped(x, vecEnd, p, acc, scratch);
      else suiteDirectClamped(x, vecEnd, p, acc, scratch);
    } else {
      if (byInverse) suiteDirectByInverse(x, vecEnd, p, acc, scratch);
      else suiteDirect(x, vecEnd, p, acc, scratch);
    }
  }
}

// Each variant specialized: no per-vector select between dividing and multiplying, clamping or not (wasm computes both sides).
function suiteWidenedByInverseClamped(x: usize, vecEnd: i32, p: usize, acc: usize, scratch: usize): void {
  suiteErrors(x, vecEnd, p, acc, scratch, true, true, true);
}

function suiteWidenedClamped(x: usize, vecEnd: i32, p: usize, acc: usize, scratch: usize): void {
  suiteErrors(x, vecEnd, p, acc, scratch, true, false, true);
}

function suiteWidenedByInverse(x: usize, vecEnd: i32, p: usize, acc: usize, scratch: usize): void {
  suiteErrors(x, vecEnd, p, acc, scratch, true, true, false);
}

function suiteWidened(x: usize, vecEnd: i32, p: usize, acc: usize, scratch: usize): void {
  suiteErrors(x, vecEnd, p, acc, scratch, true, false, false);
}

function suiteDirectByInverseClamped(x: usize, vecEnd: i32, p: usize, acc: usize, scratch: usize): void {
  suiteErrors(x, vecEnd, p, acc, scratch, false, true, true);
}

function suiteDirectClamped(x: usize, vecEnd: i32, p: usize, acc: usize, scratch: usize): void {
  suiteErrors(x, vecEnd, p, acc, scratch, false, false, true);
}

function suiteDirectByInverse(x: usize, vecEnd: i32, p: usize, acc: usize, scratch: usize): void {
  suiteErrors(x, vecEnd, p, acc, scratch, false, true, false);
}

function suiteDirect(x: usize, vecEnd: i32, p: usize, acc: usize, scratch: usize): void {
  suiteErrors(x, vecEnd, p, acc, scratch, false, false, false);
}

/**
 * Writes the loop's computed constants into the scheme record, for the loop to read from memory:
 * V8 (TurboFan, Node 20) otherwise recomputes f32(1 / scale) and its splat inside the loop body,
 * a scalar division per iteration (measured: 15 % of the multiply-by-inverse loop's time).
 */
@inline function storeLoopConstants(p: usize): void {
  store<f32>(p, <f32>1 / load<f32>(p, SUITE_SCALE), SUITE_INVERSE);
  store<f64>(p, REL_ERR_EPSILON, SUITE_REL_EPSILON);
}

/**
 * One scheme over the vector part of a tile: round trip in float32 as the reference, e = x - deq
 * in f64 (exact: the two are within a factor of 2^29), its sums in f64. Without `clamp` (no value
 * can clip) q - zeroPoint is nearest(t) itself: both are small integers, so the reference's
 * float32 add and subtract of the zero point are exact.
 */
@inline function suiteErrors(x: usize, vecEnd: i32, p: usize, acc: usize, scratch: usize, widened: bool, byInverse: bool, clamp: bool): void {
  storeLoopConstants(p);
  let clip = i32x4.splat(0);
  // Low and high halves summed into one accumulator each: fewer registers, fewer spills.
  let sqErr = f64x2.splat(0);
  let xErr = f64x2.splat(0);
  let rel = f64x2.splat(0);
  let maxErr = f64x2.splat(load<f64>(f64slot(acc, ERR_MAX_ABS_ERR)));
  for (let i = 0; i < vecEnd; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    // The constants are read from the record in the loop (see storeLoopConstants).
    const s = v128.load32_splat(p, SUITE_SCALE);
    const t = byInverse ? f32x4.mul(v, v128.load32_splat(p, SUITE_INVERSE)) : f32x4.div(v, s);
    let d: v128;
    if (clamp) {
      const z = v128.load32_splat(p, SUITE_ZERO_POINT);
      const q0 = f32x4.add(f32x4.nearest(t), z);
      const q = f32x4.pmax(f32x4.pmin(q0, v128.load32_splat(p, SUITE_QMAX)), v128.load32_splat(p, SUITE_QMIN));
      // Clipped: the clamp moved the code (q0 is finite: all data finite, scale not 0).
      clip = i32x4.sub(clip, f32x4.ne(q0, q));
      d = f32x4.mul(s, f32x4.sub(q, z));
    } else {
      d = f32x4.mul(s, f32x4.nearest(t));
    }
    let xLo: v128;
    let xHi: v128;
    if (widened) {
      const w = scratch + (<usize>i << 4);
      xLo = v128.load(w);
      xHi = v128.load(w, 16);
    } else {
      xLo = lowF64(v);
      xHi = highF64(v);
    }
    const eLo = f64x2.sub(xLo, lowF64(d));
    const eHi = f64x2.sub(xHi, highF64(d));
    sqErr = f64x2.add(sqErr, f64x2.add(f64x2.mul(eLo, eLo), f64x2.mul(eHi, eHi)));
    xErr = f64x2.add(xErr, f64x2.add(f64x2.mul(xLo, eLo), f64x2.mul(xHi, eHi)));
    const aLo = f64x2.abs(eLo);
    const aHi = f64x2.abs(eHi);
    maxErr = f64x2.pmax(maxErr, f64x2.pmax(aLo, aHi));
    if (widened) {
      const w = scratch + (<usize>i << 4);
      rel = f64x2.add(rel, f64x2.add(f64x2.mul(aLo, v128.load(w, 32)), f64x2.mul(aHi, v128.load(w, 48))));
    } else {
      rel = f64x2.add(rel, relErrPair(xLo, xHi, aLo, aHi, v128.load64_splat(p, SUITE_REL_EPSILON)));
    }
  }
  addF64(acc, ERR_COUNT, <f64>vecEnd);
  addF64(acc, ERR_SUM_SQ_ERR, sumLanesF64(sqErr));
  addF64(acc, SUITE_ACC_SUM_X_ERR, sumLanesF64(xErr));
  addF64(acc, ERR_SUM_REL_ERR, sumLanesF64(rel));
  store<f64>(f64slot(acc, ERR_MAX_ABS_ERR), Math.max(f64x2.extract_lane(maxErr, 0), f64x2.extract_lane(maxErr, 1)));
  if (clamp) addF64(acc, SUITE_ACC_CLIPPED, <f64>sumLanesI32(clip));
}

/**
 * a/y + a'/y' as (a y' + a' y) / (y y') with y = |x| + eps: one division per 4 values. Every term
 * is >= 0 and y in [1e-10, 4e38], so no overflow and a few ulps per pair, a few ulps of the sum.
 */
@inline function relErrPair(xLo: v128, xHi: v128, aLo: v128, aHi: v128, relEps: v128): v128 {
  const yLo = f64x2.add(f64x2.abs(xLo), relEps);
  const yHi = f64x2.add(f64x2.abs(xHi), relEps);
  return f64x2.div(f64x2.add(f64x2.mul(aLo, yHi), f64x2.mul(aHi, yLo)), f64x2.mul(yLo, yHi));
}

/** One value of affineSuiteFinite, scalar (a tile's last values that do not fill a vector). */
function suiteOne(v: f32, p: usize, acc: usize): void {
  const scale = load<f32>(p, SUITE_SCALE);
  const zeroPoint = load<f32>(p, SUITE_ZERO_POINT);
  const qmin = load<f32>(p, SUITE_QMIN);
  const qmax = load<f32>(p, SUITE_QMAX);
  const t: f32 = (load<i32>(p, SUITE_FLAGS) & SUITE_MULTIPLY_BY_INVERSE) != 0 ? v * (<f32>1 / scale) : v / scale;
  const q0: f32 = nearest<f32>(t) + zeroPoint;
  const q: f32 = q0 < qmin ? qmin : q0 > qmax ? qmax : q0;
  if (q != q0) addF64(acc, SUITE_ACC_CLIPPED, 1);
  const x64 = <f64>v;
  const e = x64 - <f64>(scale * (q - zeroPoint));
  const a = Math.abs(e);
  addF64(acc, ERR_COUNT, 1);
  addF64(acc, ERR_SUM_SQ_ERR, e * e);
  addF64(acc, SUITE_ACC_SUM_X_ERR, x64 * e);
  if (a > load<f64>(f64slot(acc, ERR_MAX_ABS_ERR))) store<f64>(f64slot(acc, ERR_MAX_ABS_ERR), a);
  addF64(acc, ERR_SUM_REL_ERR, a / (Math.abs(x64) + REL_ERR_EPSILON));
}

// ---- Error sums of any round trip (the named formats' pass 2; errorStatsChunk with no error buckets) ----

/** errorSumsVectors's results (wasm globals: the module allocates no memory of its own). */
let esCount: i32 = 0;
let esNonFiniteDeq: i32 = 0;
let esSqErr: f64 = 0;
let esSqX: f64 = 0;
let esSqDeq: f64 = 0;
let esXDeq: f64 = 0;
let esRel: f64 = 0;
let esMax: f64 = 0;

/**
 * errorSums: adds the pairs (x[i], deq[i]), i in [0, n), to the ERR accumulator at `acc`, as the
 * reference errorStatsChunk does with no buckets: a non-finite x is skipped, a finite x with a
 * non-finite deq is counted in NON_FINITE_DEQ and left out of the sums.
 */
export function errorSums(x: usize, deq: usize, n: i32, acc: usize): void {
  const vecEnd = n & ~3;
  // Optimistic first: no lane masks. A non-finite x or deq makes the sum of its squares infinite or
  // NaN (squares of finite float32 values cannot overflow in f64); then the run is read again with masks.
  errorSumsUnmasked(x, deq, vecEnd);
  if (!(esSqX + esSqDeq - (esSqX + esSqDeq) == 0)) errorSumsMasked(x, deq, vecEnd);
  let c = esCount;
  let bad = esNonFiniteDeq;
  let sumSqErr = esSqErr;
  let sumSqX = esSqX;
  let sumSqDeq = esSqDeq;
  let sumXDeq = esXDeq;
  let sumRel = esRel;
  let maxAbs = max(load<f64>(f64slot(acc, ERR_MAX_ABS_ERR)), esMax);
  for (let i = vecEnd; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    if (v - v != 0) continue;
    const d = <f64>load<f32>(deq + (<usize>i << 2));
    if (d - d != 0) {
      bad++;
      continue;
    }
    const e = v - d;
    const a = Math.abs(e);
    c++;
    sumSqErr += e * e;
    sumSqX += v * v;
    sumSqDeq += d * d;
    sumXDeq += v * d;
    if (a > maxAbs) maxAbs = a;
    sumRel += a / (Math.abs(v) + REL_ERR_EPSILON);
  }
  addF64(acc, ERR_COUNT, <f64>c);
  addF64(acc, ERR_SUM_SQ_ERR, sumSqErr);
  addF64(acc, ERR_SUM_SQ_X, sumSqX);
  addF64(acc, ERR_SUM_SQ_DEQ, sumSqDeq);
  addF64(acc, ERR_SUM_X_DEQ, sumXDeq);
  store<f64>(f64slot(acc, ERR_MAX_ABS_ERR), maxAbs);
  addF64(acc, ERR_SUM_REL_ERR, sumRel);
  addF64(acc, ERR_NON_FINITE_DEQ, <f64>bad);
}

// Each variant specialized: no masking work in the common all-finite case.
function errorSumsUnmasked(x: usize, deq: usize, vecEnd: i32): void {
  errorSumsVectors(x, deq, vecEnd, false);
}

function errorSumsMasked(x: usize, deq: usize, vecEnd: i32): void {
  errorSumsVectors(x, deq, vecEnd, true);
}

/**
 * The vector part x[0..vecEnd) of errorSums into the es* globals. `masked`: a skipped pair has both
 * values masked to 0 in f32 first, so it adds exactly 0 everywhere (0 / (0 + eps) included).
 */
@inline function errorSumsVectors(x: usize, deq: usize, vecEnd: i32, masked: bool): void {
  const relEps = f64x2.splat(REL_ERR_EPSILON);
  const one = f64x2.splat(1);
  let count = i32x4.splat(0);
  let nonFiniteDeq = i32x4.splat(0);
  let sqErr = f64x2.splat(0);
  let sqX = f64x2.splat(0);
  let sqDeq = f64x2.splat(0);
  let xDeq = f64x2.splat(0);
  let rel = f64x2.splat(0);
  let maxErr = f64x2.splat(0);
  for (let i = 0; i < vecEnd; i += 4) {
    const at = <usize>i << 2;
    let v = v128.load(x + at);
    let d = v128.load(deq + at);
    if (masked) {
      const xFinite = isFinite32(v);
      const both = v128.and(xFinite, isFinite32(d));
      count = i32x4.sub(count, both);
      nonFiniteDeq = i32x4.sub(nonFiniteDeq, v128.andnot(xFinite, both));
      v = v128.and(v, both);
      d = v128.and(d, both);
    }
    const xLo = lowF64(v);
    const xHi = highF64(v);
    const dLo = lowF64(d);
    const dHi = highF64(d);
    const eLo = f64x2.sub(xLo, dLo);
    const eHi = f64x2.sub(xHi, dHi);
    const aLo = f64x2.abs(eLo);
    const aHi = f64x2.abs(eHi);
    sqErr = f64x2.add(sqErr, f64x2.add(f64x2.mul(eLo, eLo), f64x2.mul(eHi, eHi)));
    sqX = f64x2.add(sqX, f64x2.add(f64x2.mul(xLo, xLo), f64x2.mul(xHi, xHi)));
    sqDeq = f64x2.add(sqDeq, f64x2.add(f64x2.mul(dLo, dLo), f64x2.mul(dHi, dHi)));
    xDeq = f64x2.add(xDeq, f64x2.add(f64x2.mul(xLo, dLo), f64x2.mul(xHi, dHi)));
    maxErr = f64x2.pmax(maxErr, f64x2.pmax(aLo, aHi));
    // 1/y and 1/y' from one division, as widenTile (y = |x| + eps in [1e-10, 4e38]: no overflow).
    const yLo = f64x2.add(f64x2.abs(xLo), relEps);
    const yHi = f64x2.add(f64x2.abs(xHi), relEps);
    const r = f64x2.div(one, f64x2.mul(yLo, yHi));
    rel = f64x2.add(rel, f64x2.add(f64x2.mul(aLo, f64x2.mul(r, yHi)), f64x2.mul(aHi, f64x2.mul(r, yLo))));
  }
  esCount = masked ? sumLanesI32(count) : vecEnd;
  esNonFiniteDeq = masked ? sumLanesI32(nonFiniteDeq) : 0;
  esSqErr = sumLanesF64(sqErr);
  esSqX = sumLanesF64(sqX);
  esSqDeq = sumLanesF64(sqDeq);
  esXDeq = sumLanesF64(xDeq);
  esRel = sumLanesF64(rel);
  esMax = max(f64x2.extract_lane(maxErr, 0), f64x2.extract_lane(maxErr, 1));
}

// ---- Plan errors (src/core/plan/errors/squaredErrors.ts): weighted squared-error sums per row ----

/**
 * planSquares: sum over `rows` rows of `rowLength` values of w_j (x_ij - q_ij)^2 (q 0: of
 * w_j x_ij^2; w 0: w_j = 1), in f64, skipping non-finite x (test/unit/plan/errors/squaredErrors.test.ts checks it against a one-sum-per-row reference).
 */
export function planSquares(x: usize, q: usize, w: usize, rows: i32, rowLength: i32): f64 {
  if (q == 0) return w == 0 ? planSquaresBody(x, q, w, rows, rowLength, false, false) : planSquaresBody(x, q, w, rows, rowLength, false, true);
  return w == 0 ? planSquaresBody(x, q, w, rows, rowLength, true, false) : planSquaresBody(x, q, w, rows, rowLength, true, true);
}

/** The one body of the four variants; `hasQ` and `hasW` are constants at each call site, so each gets its own loop. */
@inline function planSquaresBody(x: usize, q: usize, w: usize, rows: i32, rowLength: i32, hasQ: bool, hasW: bool): f64 {
  const vecEnd = rowLength & ~3;
  let accLo = f64x2.splat(0);
  let accHi = f64x2.splat(0);
  let tail: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const rowStart = <usize>r * <usize>rowLength;
    const rx = x + (rowStart << 2);
    const rq = q + (rowStart << 2);
    for (let j = 0; j < vecEnd; j += 4) {
      const v = v128.load(rx + (<usize>j << 2));
      const finite = isFinite32(v);
      let dLo = lowF64(v);
      let dHi = highF64(v);
      if (hasQ) {
        const u = v128.load(rq + (<usize>j << 2));
        dLo = f64x2.sub(dLo, lowF64(u));
        dHi = f64x2.sub(dHi, highF64(u));
      }
      let tLo = dLo;
      let tHi = dHi;
      if (hasW) {
        const wv = v128.load(w + (<usize>j << 2));
        tLo = f64x2.mul(lowF64(wv), dLo);
        tHi = f64x2.mul(highF64(wv), dHi);
      }
      accLo = f64x2.add(accLo, v128.and(f64x2.mul(tLo, dLo), lowMask(finite)));
      accHi = f64x2.add(accHi, v128.and(f64x2.mul(tHi, dHi), highMask(finite)));
    }
    for (let j = vecEnd; j < rowLength; j++) {
      const v = load<f32>(rx + (<usize>j << 2));
      if (v - v != 0) continue;
      let d = <f64>v;
      if (hasQ) d -= <f64>load<f32>(rq + (<usize>j << 2));
      tail += hasW ? <f64>load<f32>(w + (<usize>j << 2)) * d * d : d * d;
    }
  }
  return sumLanesF64(f64x2.add(accLo, accHi)) + tail;
}

// ---- Plan int round trips (src/core/plan/intConventions.ts): the conventions that round every op to the model's float ----

/** planIntRoundTrip's conventions (src/core/plan/errors/intRoundTripKernel.ts PLAN_INT_KERNEL_CONVENTIONS). */
const PLAN_INT_COMPRESSED_TENSORS: i32 = 0;
const PLAN_INT_TORCHAO_INT8: i32 = 1;
/** The model's float type every op is rounded to (intRoundTripKernel.ts PLAN_INT_KERNEL_MODELS). */
const PLAN_MODEL_F32: i32 = 0;
const PLAN_MODEL_BF16: i32 = 1;
const PLAN_MODEL_F16: i32 = 2;
/**
 * planIntRoundTrip's scratch (f32 slots, intRoundTripKernel.ts PLAN_INT_SCRATCH_BYTES): a run's scale,
 * shift (compressed-tensors' zero point, torchao's inverse scale), qmin, qmax. The loop reads them
 * from memory (load32_splat): a splat computed before the loop may be recomputed in it by V8.
 */
const PI_SCALE: usize = 0;
const PI_SHIFT: usize = 4;
const PI_QMIN: usize = 8;
const PI_QMAX: usize = 12;
/** float16's smallest normal: below it the step is fixed at 2^-24. */
const F16_MIN_NORMAL: f32 = 6.103515625e-5;
/** |x| + 0.5 for |x| < 2^-14 lies in [0.5, 1), whose float32 step is 2^-24: the add rounds |x| to float16's subnormal grid (half to even). */
const F16_SUBNORMAL_ROUNDER: f32 = 0.5;
/** torch.finfo(torch.float32).eps: torchao Int8WeightOnlyConfig's floor of the scale. */
const TORCHAO_INT8_EPS: f64 = 1.1920928955078125e-7;
/** compressed-tensors' replacement of a zero scale: the eps of the model's dtype (float32 2^-23, bf16 2^-7, float16 2^-10). */
const CT_EPS_F32: f64 = 1.1920928955078125e-7;
const CT_EPS_BF16: f64 = 0.0078125;
const CT_EPS_F16: f64 = 0.0009765625;

/** A float32 rounded to bf16, nearest even, by its bit pattern (infinities stay; the loops make no NaN but canonical ones, which stay NaN). */
@inline function bf16x4(v: v128): v128 {
  const lsb = v128.and(i32x4.shr_u(v, 16), i32x4.splat(1));
  return v128.and(i32x4.add(i32x4.add(v, i32x4.splat(0x7fff)), lsb), i32x4.splat(0xffff0000));
}

/**
 * A float32 rounded to float16 (nearest even, not saturated, as the reference): by bit pattern for
 * normals, on the fixed 2^-24 grid below 2^-14 (a value rounded to zero keeps its sign).
 */
@inline function f16x4(v: v128): v128 {
  const lsb = v128.and(i32x4.shr_u(v, 13), i32x4.splat(1));
  const normal = v128.and(i32x4.add(i32x4.add(v, i32x4.splat(0xfff)), lsb), i32x4.splat(0xffffe000));
  const a = f32x4.abs(v);
  const half = f32x4.splat(F16_SUBNORMAL_ROUNDER);
  const subnormal = v128.or(f32x4.sub(f32x4.add(a, half), half), v128.and(v, i32x4.splat(0x80000000)));
  return v128.bitselect(subnormal, normal, f32x4.lt(a, f32x4.splat(F16_MIN_NORMAL)));
}

@inline function toModelx4(v: v128, model: i32): v128 {
  if (model == PLAN_MODEL_BF16) return bf16x4(v);
  if (model == PLAN_MODEL_F16) return f16x4(v);
  return v;
}

/** The scalar twin of toModelx4 (a run's tail), as the reference: non-finite values pass. */
@inline function toModel32(v: f32, model: i32): f32 {
  if (model == PLAN_MODEL_F32 || v - v != 0) return v;
  const bits = reinterpret<u32>(v);
  if (model == PLAN_MODEL_BF16) return reinterpret<f32>(((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) << 16);
  const a = Mathf.abs(v);
  if (a < F16_MIN_NORMAL) return copysign<f32>((a + F16_SUBNORMAL_ROUNDER) - F16_SUBNORMAL_ROUNDER, v);
  return reinterpret<f32>(((bits + 0xfff + ((bits >>> 13) & 1)) >>> 13) << 13);
}

/** A float64 rounded once to float32, then to the model's float: torch's result of an op in the model's dtype. */
@inline function toModel64(v: f64, model: i32): f64 {
  return <f64>toModel32(<f32>v, model);
}

/** The reference's roundHalfEven (numeric/rounding.ts): half to even, and never -0 (its 2^52 trick gives +0). */
@inline function roundHalfEvenF64(v: f64): f64 {
  return nearest<f64>(v) + 0.0;
}

/** Writes a run's scale, shift, qmin and qmax into `scratch`, from its finite range [lo, hi] (lo > hi: no finite value), as the convention does. */
@inline function planIntParams(convention: i32, model: i32, bits: i32, asymmetric: bool, lo: f64, hi: f64, scratch: usize): void {
  const qmin = -<f64>(1 << (bits - 1));
  const qmax = <f64>((1 << (bits - 1)) - 1);
  let min = lo <= hi ? lo : 0;
  let max = lo <= hi ? hi : 0;
  let scale: f64;
  let shift: f64 = 0;
  if (convention == PLAN_INT_COMPRESSED_TENSORS) {
    // helpers.py calculate_qparams: range widened to 0, all in the model's dtype
    min = Math.min(min, 0);
    max = Math.max(max, 0);
    if (asymmetric) {
      scale = toModel64(toModel64(max - min, model) / (qmax - qmin), model);
      if (scale != 0) {
        const z = toModel64(qmin - toModel64(min / scale, model), model);
        shift = roundHalfEvenF64(z < qmin ? qmin : z > qmax ? qmax : z);
      }
    } else {
      scale = toModel64(Math.max(-min, max) / ((qmax - qmin) / 2), model);
    }
    if (scale == 0) scale = model == PLAN_MODEL_BF16 ? CT_EPS_BF16 : model == PLAN_MODEL_F16 ? CT_EPS_F16 : CT_EPS_F32;
  } else {
    // torchao _choose_qparams_affine (symmetric): absmax / 127.5 at least eps, multiplied by its inverse
    const absMax = Math.max(-Math.min(min, 0), Math.max(max, 0));
    scale = Math.max(toModel64(absMax / ((qmax - qmin) / 2), model), TORCHAO_INT8_EPS);
    shift = toModel64(1 / scale, model);
  }
  store<f32>(scratch + PI_SCALE, <f32>scale);
  store<f32>(scratch + PI_SHIFT, <f32>shift);
  store<f32>(scratch + PI_QMIN, <f32>qmin);
  store<f32>(scratch + PI_QMAX, <f32>qmax);
}

/** One value of a run, scalar (the run's tail): the reference's loop body. */
@inline function planIntOne(v: f32, convention: i32, model: i32, scratch: usize): f32 {
  if (v - v != 0) return v;
  const scale = load<f32>(scratch + PI_SCALE);
  const shift = load<f32>(scratch + PI_SHIFT);
  const qmin = load<f32>(scratch + PI_QMIN);
  const qmax = load<f32>(scratch + PI_QMAX);
  if (convention == PLAN_INT_COMPRESSED_TENSORS) {
    const u = toModel32(toModel32(v / scale, model) + shift, model);
    const q: f32 = nearest<f32>(u < qmin ? qmin : u > qmax ? qmax : u) + <f32>0;
    return toModel32((q - shift) * scale, model);
  }
  const q: f32 = nearest<f32>(toModel32(v * shift, model)) + <f32>0;
  return toModel32((q < qmin ? qmin : q > qmax ? qmax : q) * scale, model);
}

/** Writes deq[from..to) of one run whose parameters are in `scratch`: 4 lanes, then the tail. */
@inline function planIntRun(x: usize, deq: usize, from: i32, to: i32, convention: i32, model: i32, scratch: usize): void {
  const vecEnd = from + ((to - from) & ~3);
  const zero = f32x4.splat(0);
  for (let i = from; i < vecEnd; i += 4) {
    const at = <usize>i << 2;
    const v = v128.load(x + at);
    const s = v128.load32_splat(scratch + PI_SCALE);
    const shift = v128.load32_splat(scratch + PI_SHIFT);
    const qlo = v128.load32_splat(scratch + PI_QMIN);
    const qhi = v128.load32_splat(scratch + PI_QMAX);
    let d: v128;
    if (convention == PLAN_INT_COMPRESSED_TENSORS) {
      // round(clamp(x / scale + zp)), each op rounded to the model's float; + 0 turns nearest's -0 into the reference's +0
      const u = toModelx4(f32x4.add(toModelx4(f32x4.div(v, s), model), shift), model);
      const q = f32x4.add(f32x4.nearest(f32x4.pmax(f32x4.pmin(u, qhi), qlo)), zero);
      d = toModelx4(f32x4.mul(f32x4.sub(q, shift), s), model);
    } else {
      // clamp(round(x * inverse)) * scale
      const q = f32x4.add(f32x4.nearest(toModelx4(f32x4.mul(v, shift), model)), zero);
      d = toModelx4(f32x4.mul(f32x4.pmax(f32x4.pmin(q, qhi), qlo), s), model);
    }
    // non-finite x are copied through
    v128.store(deq + at, v128.bitselect(d, v, isFinite32(v)));
  }
  for (let i = vecEnd; i < to; i++) {
    const at = <usize>i << 2;
    store<f32>(deq + at, planIntOne(load<f32>(x + at), convention, model, scratch));
  }
}

/** runMin/runMax: planIntRange's results (wasm globals: the module allocates no memory of its own). */
let runMin: f64 = Infinity;
let runMax: f64 = -Infinity;

/** The finite min and max of x[from..to) into runMin and runMax (min > max when none is finite). */
@inline function planIntRange(x: usize, from: i32, to: i32): void {
  const vecEnd = from + ((to - from) & ~3);
  // Optimistic first: pmin/pmax skip NaN; an infinity shows as an infinite end, then the run is read again with masks.
  let min = f32x4.splat(Infinity);
  let max = f32x4.splat(-Infinity);
  for (let i = from; i < vecEnd; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    min = f32x4.pmin(min, v);
    max = f32x4.pmax(max, v);
  }
  let lo = Mathf.min(Mathf.min(f32x4.extract_lane(min, 0), f32x4.extract_lane(min, 1)), Mathf.min(f32x4.extract_lane(min, 2), f32x4.extract_lane(min, 3)));
  let hi = Mathf.max(Mathf.max(f32x4.extract_lane(max, 0), f32x4.extract_lane(max, 1)), Mathf.max(f32x4.extract_lane(max, 2), f32x4.extract_lane(max, 3)));
  if (lo == -Infinity || hi == Infinity) {
    min = f32x4.splat(Infinity);
    max = f32x4.splat(-Infinity);
    for (let i = from; i < vecEnd; i += 4) {
      const v = v128.load(x + (<usize>i << 2));
      const finite = isFinite32(v);
      min = f32x4.pmin(min, v128.bitselect(v, f32x4.splat(Infinity), finite));
      max = f32x4.pmax(max, v128.bitselect(v, f32x4.splat(-Infinity), finite));
    }
    lo = Mathf.min(Mathf.min(f32x4.extract_lane(min, 0), f32x4.extract_lane(min, 1)), Mathf.min(f32x4.extract_lane(min, 2), f32x4.extract_lane(min, 3)));
    hi = Mathf.max(Mathf.max(f32x4.extract_lane(max, 0), f32x4.extract_lane(max, 1)), Mathf.max(f32x4.extract_lane(max, 2), f32x4.extract_lane(max, 3)));
  }
  for (let i = vecEnd; i < to; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v - v != 0) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  runMin = <f64>lo;
  runMax = <f64>hi;
}

/**
 * planIntRoundTrip: the dequantized values of x[0..n) into deq[0..n) as the convention's reference
 * roundTrip (src/core/plan/intConventions.ts) writes them, bit for bit: in runs of `run` values, each
 * with its own finite range, or (run 0) one run with the range [min, max] given. Every op of the
 * round trip is rounded to the model's float (0 F32, 1 BF16, 2 F16); non-finite x are copied through.
 * scratch: PLAN_INT_SCRATCH_BYTES.
 */
export function planIntRoundTrip(
  x: usize, deq: usize, n: i32, run: i32, convention: i32, model: i32, bits: i32, asymmetric: bool, min: f64, max: f64, scratch: usize,
): void {
  if (convention == PLAN_INT_COMPRESSED_TENSORS) {
    if (model == PLAN_MODEL_BF16) compressedTensorsBF16(x, deq, n, run, bits, asymmetric, min, max, scratch);
    else if (model == PLAN_MODEL_F16) compressedTensorsF16(x, deq, n, run, bits, asymmetric, min, max, scratch);
    else compressedTensorsF32(x, deq, n, run, bits, asymmetric, min, max, scratch);
  } else {
    if (model == PLAN_MODEL_BF16) torchaoInt8BF16(x, deq, n, run, bits, asymmetric, min, max, scratch);
    else if (model == PLAN_MODEL_F16) torchaoInt8F16(x, deq, n, run, bits, asymmetric, min, max, scratch);
    else torchaoInt8F32(x, deq, n, run, bits, asymmetric, min, max, scratch);
  }
}

// Each convention and model float specialized: no per-vector branch on either.
function compressedTensorsF32(x: usize, deq: usize, n: i32, run: i32, bits: i32, asymmetric: bool, min: f64, max: f64, scratch: usize): void {
  planIntRuns(x, deq, n, run, PLAN_INT_COMPRESSED_TENSORS, PLAN_MODEL_F32, bits, asymmetric, min, max, scratch);
}

function compressedTensorsBF16(x: usize, deq: usize, n: i32, run: i32, bits: i32, asymmetric: bool, min: f64, max: f64, scratch: usize): void {
  planIntRuns(x, deq, n, run, PLAN_INT_COMPRESSED_TENSORS, PLAN_MODEL_BF16, bits, asymmetric, min, max, scratch);
}

function compressedTensorsF16(x: usize, deq: usize, n: i32, run: i32, bits: i32, asymmetric: bool, min: f64, max: f64, scratch: usize): void {
  planIntRuns(x, deq, n, run, PLAN_INT_COMPRESSED_TENSORS, PLAN_MODEL_F16, bits, asymmetric, min, max, scratch);
}

function torchaoInt8F32(x: usize, deq: usize, n: i32, run: i32, bits: i32, asymmetric: bool, min: f64, max: f64, scratch: usize): void {
  planIntRuns(x, deq, n, run, PLAN_INT_TORCHAO_INT8, PLAN_MODEL_F32, bits, asymmetric, min, max, scratch);
}

function torchaoInt8BF16(x: usize, deq: usize, n: i32, run: i32, bits: i32, asymmetric: bool, min: f64, max: f64, scratch: usize): void {
  planIntRuns(x, deq, n, run, PLAN_INT_TORCHAO_INT8, PLAN_MODEL_BF16, bits, asymmetric, min, max, scratch);
}

function torchaoInt8F16(x: usize, deq: usize, n: i32, run: i32, bits: i32, asymmetric: bool, min: f64, max: f64, scratch: usize): void {
  planIntRuns(x, deq, n, run, PLAN_INT_TORCHAO_INT8, PLAN_MODEL_F16, bits, asymmetric, min, max, scratch);
}

/** The one body of the six variants; `convention` and `model` are constants at each call site. */
@inline function planIntRuns(
  x: usize, deq: usize, n: i32, run: i32, convention: i32, model: i32, bits: i32, asymmetric: bool, min: f64, max: f64, scratch: usize,
): void {
  if (run <= 0) {
    planIntParams(convention, model, bits, asymmetric, min, max, scratch);
    planIntRun(x, deq, 0, n, convention, model, scratch);
    return;
  }
  for (let from = 0; from < n; from += run) {
    const to = from + run < n ? from + run : n;
    planIntRange(x, from, to);
    planIntParams(convention, model, bits, asymmetric, runMin, runMax, scratch);
    planIntRun(x, deq, from, to, convention, model, scratch);
  }
}
