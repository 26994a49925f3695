/**
 * The hot loops of the analysis, as small pure functions over Float32Array chunks with flat
 * Float64Array accumulators. A WebAssembly SIMD build can replace any of them and be tested
 * against these reference versions; their signatures are stable.
 *
 * Pass 1: statsChunk (tensor stats), minMaxRun (per-channel ranges), histogramChunk (calibration
 * histograms). Pass 2: a round-trip kernel writes deq for a chunk (affineRoundTripRun, or a
 * format cast), then errorStatsChunk and histogramChunk (CLAMP) compare and bin.
 */
export { STATS, newStatsAccumulator, statsChunk, minMaxRun } from './stats';
export { HISTOGRAM_FLAGS, histogramChunk } from './histogram';
export { affineRoundTripRun } from './affine';
export { ERR, ERROR_BUCKETS, ERROR_BUCKET_SHIFT, REL_ERR_EPSILON, newErrorAccumulator, errorStatsChunk } from './errorStats';
