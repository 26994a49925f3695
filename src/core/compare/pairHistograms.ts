import { findTensor } from '../analysis/findTensor';
import { throwIfAborted } from '../analysis/chunkStream';
import { toFloat32 } from '../dtypes/contiguous';
import { UsageError } from '../errors';
import { histogramChunk } from '../metrics/histogramKernel';
import type { Model, TensorEntry } from '../tensor';
import type { Histogram } from '../../shared/analysisTypes';
import type { CompareMapping, PairHistograms, PairSpec } from '../../shared/compareTypes';
import { headsOf } from './compareModels';
import { pairByName } from './pairing';
import { permuteRows, ropeGroups } from './ropePermute';

/** Values per read and side: bounded memory whatever the tensor's size. */
const CHUNK_ELEMENTS = 1 << 18;

/** Visits aligned chunks: reference values already in the candidate's layout, candidate values. */
type Visit = (x: Float32Array, y: Float32Array) => void;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Rows of one rotary head of the pair's GGUF side (the rope-permute transform), from that side's metadata. */
function ropeGroupRows(reference: Model, candidate: Model, r: TensorEntry, c: TensorEntry): number {
  const candidateIsGguf = candidate.format === 'gguf';
  const groups = ropeGroups(candidateIsGguf ? c.name : r.name, headsOf([candidate, reference]));
  const rows = r.shape[0] ?? 0;
  if (groups === null || groups <= 0 || rows % groups !== 0 || (rows / groups) % 2 !== 0) {
    throw new UsageError(`${c.name}: cannot undo the rotary permutation (no head count for ${rows} rows)`);
  }
  return rows / groups;
}

/** Streams the pair in chunks of whole rows (whole heads when permuted), the reference moved into the candidate's layout. */
async function visitPair(reference: Model, candidate: Model, r: TensorEntry, c: TensorEntry, transform: string, visit: Visit, signal?: AbortSignal): Promise<void> {
  if (transform === 'transpose') {
    const [rows, cols] = r.shape as [number, number];
    const x = toFloat32(await r.data.read(0, r.numel));
    const xt = new Float32Array(x.length);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) xt[j * rows + i] = x[i * cols + j]!;
    visit(xt, toFloat32(await c.data.read(0, c.numel)));
    return;
  }
  // A split pair's fused side is already the slice of its rows (pairByName): read as it is.
  if (transform !== 'none' && transform !== 'rope-permute' && !transform.startsWith('split:')) throw new UsageError(`${c.name}: no histograms for the transform '${transform}'`);
  if (r.numel !== c.numel) throw new UsageError(`${r.name} and ${c.name} differ in size`);
  const cols = r.shape.length >= 2 ? r.numel / r.shape[0]! : 1;
  const totalRows = r.numel / cols;
  const rowsPerBlock = (block: number): number => block / gcd(cols, block);
  let align = Math.max(rowsPerBlock(c.data.blockSize), rowsPerBlock(r.data.blockSize));
  const groupRows = transform === 'rope-permute' ? ropeGroupRows(reference, candidate, r, c) : 0;
  if (groupRows > 0) align = (align * groupRows) / gcd(align, groupRows);
  const step = Math.max(1, Math.floor(CHUNK_ELEMENTS / cols / align)) * align;
  for (let row = 0; row < totalRows; row += step) {
    throwIfAborted(signal);
    const rows = Math.min(step, totalRows - row);
    const x = toFloat32(await r.data.read(row * cols, rows * cols));
    const y = toFloat32(await c.data.read(row * cols, rows * cols));
    visit(groupRows > 0 ? permuteRows(x, rows, cols, groupRows, candidate.format === 'gguf') : x, y);
  }
  throwIfAborted(signal);
}

/** Smallest and largest finite value seen. */
class Range {
  lo = Infinity;
  hi = -Infinity;

  add(v: number): void {
    if (v - v !== 0) return;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
  }

  /** [lo, hi], or [0, 0] when nothing finite was seen. */
  bounds(): [number, number] {
    return this.lo <= this.hi ? [this.lo, this.hi] : [0, 0];
  }
}

function differences(x: Float32Array, y: Float32Array, out: Float32Array): Float32Array {
  const e = out.length === x.length ? out : new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) e[i] = x[i]! - y[i]!;
  return e;
}

/**
 * Histograms of one pair for the drill-down, in two streamed passes (ranges, then counts): the
 * reference's and the candidate's values over one shared range, so the two charts line up, and
 * the error x − y (reference minus candidate) over its own. Non-finite values are left out. `reference` and
 * `candidate` are the models the compare measured (storages decoded), `mapping` the one it paired with.
 */
export async function pairHistograms(reference: Model, candidate: Model, mapping: CompareMapping, pair: PairSpec, bins: number, signal?: AbortSignal): Promise<PairHistograms> {
  if (!Number.isInteger(bins) || bins < 1) throw new UsageError(`histogram bins must be a positive integer, got ${bins}`);
  findTensor(reference.tensors, pair.reference, reference.file);
  findTensor(candidate.tensors, pair.candidate, candidate.file);
  // The entries as the compare paired them (a fused tensor's part is a slice of its rows).
  const named = pairByName(reference, candidate, mapping).pairs.find((p) => p.reference.name === pair.reference && p.candidate.name === pair.candidate);
  if (!named) throw new UsageError(`${pair.reference} and ${pair.candidate} are not paired in these files`);
  const { reference: r, candidate: c } = named;
  const values = new Range();
  const errors = new Range();
  let scratch: Float32Array = new Float32Array(0);
  await visitPair(reference, candidate, r, c, pair.transform, (x, y) => {
    scratch = differences(x, y, scratch);
    for (let i = 0; i < x.length; i++) {
      values.add(x[i]!);
      values.add(y[i]!);
      errors.add(scratch[i]!);
    }
  }, signal);
  const [lo, hi] = values.bounds();
  const [errLo, errHi] = errors.bounds();
  const counts = { reference: new Float64Array(bins), candidate: new Float64Array(bins), error: new Float64Array(bins) };
  await visitPair(reference, candidate, r, c, pair.transform, (x, y) => {
    scratch = differences(x, y, scratch);
    histogramChunk(x, 0, x.length, lo, hi, counts.reference, 0);
    histogramChunk(y, 0, y.length, lo, hi, counts.candidate, 0);
    histogramChunk(scratch, 0, scratch.length, errLo, errHi, counts.error, 0);
  }, signal);
  const histogram = (min: number, max: number, n: Float64Array): Histogram => ({ min, max, counts: [...n] });
  return { reference: histogram(lo, hi, counts.reference), candidate: histogram(lo, hi, counts.candidate), error: histogram(errLo, errHi, counts.error) };
}
