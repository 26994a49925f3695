/**
 * Which parts of a tensor an estimate reads: whole slices of the first axis (rows of a matrix), so
 * every per-row, per-group and ggml block is quantized exactly as in the full pass; a vector is cut
 * into fixed runs aligned to every block size. One slice is chosen in each of n equal strata by a
 * fixed hash, so the same tensor always gives the same sample.
 */

/** Elements an estimate aims to read per tensor: 16 rows of 4096, a few MB over a 7B model's 291 tensors. */
export const SAMPLE_TARGET_ELEMENTS = 65536;
/** Fewest slices sampled: the interval's t quantile with fewer degrees of freedom grows fast. */
export const MIN_UNITS = 16;
/** A tensor whose sample would exceed this (slices this long, e.g. [2, 10 M]) gets no estimate: 16 MB of float32 is no longer a glance. */
export const MAX_SAMPLE_ELEMENTS = 1 << 22;
/** Run length of a vector's units: a multiple of every ggml (32, 256) and NVFP4/MXFP4 (16, 32) block. */
export const VECTOR_UNIT = 256;

export interface SamplePlan {
  /** Elements per unit (the last unit of a vector may be shorter). */
  readonly unitLength: number;
  readonly unitsTotal: number;
  /** Sampled unit indices, ascending. */
  readonly units: readonly number[];
  /** Shape of the sample laid out as a tensor: the sampled slices stacked along the first axis. */
  readonly sampleShape: readonly number[];
  readonly sampleElements: number;
}

/** The sample of a tensor, or null when it cannot be sampled (slices too long). `target`: elements to aim at. */
export function planSample(shape: readonly number[], numel: number, target = SAMPLE_TARGET_ELEMENTS): SamplePlan | null {
  const unitLength = shape.length >= 2 ? numel / shape[0]! : Math.min(VECTOR_UNIT, numel);
  const unitsTotal = shape.length >= 2 ? shape[0]! : Math.ceil(numel / unitLength);
  const wanted = Math.max(MIN_UNITS, Math.ceil(target / unitLength));
  const n = Math.min(unitsTotal, wanted);
  if (n * unitLength > MAX_SAMPLE_ELEMENTS) return null;
  const units = n === unitsTotal ? Array.from({ length: n }, (_, i) => i) : stratifiedUnits(unitsTotal, n);
  const sampleElements = units.reduce((s, u) => s + unitSize(u, unitLength, numel), 0);
  const sampleShape = shape.length >= 2 ? [n, ...shape.slice(1)] : [sampleElements];
  return { unitLength, unitsTotal, units, sampleShape, sampleElements };
}

/** Elements of unit u (only a vector's last run can be short). */
export function unitSize(u: number, unitLength: number, numel: number): number {
  return Math.min(unitLength, numel - u * unitLength);
}

/** One unit in each of n equal strata of [0, total), at a hashed position inside it. */
function stratifiedUnits(total: number, n: number): number[] {
  const units: number[] = [];
  for (let k = 0; k < n; k++) {
    const from = Math.floor((k * total) / n);
    const to = Math.floor(((k + 1) * total) / n);
    units.push(from + (mix32(k * 0x9e3779b1 + total) % (to - from)));
  }
  return units;
}

/** A 32-bit integer hash (murmur3's finaliser): a fixed, well-spread choice. */
function mix32(v: number): number {
  let h = v >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
