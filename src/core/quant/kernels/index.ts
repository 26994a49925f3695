/**
 * The hot loops of the analysis, as small pure functions over Float32Array chunks with flat
 * Float64Array accumulators. A WebAssembly SIMD build can replace any of them and be tested
 * against these reference versions; their signatures are stable.
 *
 * Pass 1: statsChunk (tensor stats), minMaxRun (per-channel ranges), histogramChunk (calibration
 * histograms). Pass 2: a round-trip kernel writes deq for a chunk (affineRoundTripRun; for named
 * formats formats/minifloat.ts minifloatRoundTripRun, formats/bnb4.ts bnb4RoundTripBlock,
 * formats/mxfp4.ts mxfp4RoundTripBlock), then errorStatsChunk and histogramChunk (CLAMP) compare and bin.
 * Conventions: ranges are [from, to) in the arrays given; non-finite x are skipped by every
 * accumulator and copied through by every round trip; accumulators are only ever added to.
 */
export { STATS, newStatsAccumulator, statsChunk, minMaxRun } from './stats';
export { HISTOGRAM_FLAGS, histogramChunk } from './histogram';
export { affineRoundTripRun } from './affine';
export { ERR, ERROR_BUCKETS, ERROR_BUCKET_SHIFT, REL_ERR_EPSILON, newErrorAccumulator, errorStatsChunk } from './errorStats';
