import { ggmlRoundTrip } from '../quant/formats/ggmlRoundTrip';
import { GGML_TYPES } from '../quant/ggml';
import { ERR, ERROR_BUCKETS, errorStatsChunk, newErrorAccumulator } from '../metrics/errorStatsKernel';
import { finishErrorMetrics } from '../metrics/errorMetrics';
import type { TensorEntry, Values } from '../tensor';
import type { GgmlDType } from '../../shared/vocab/dtypes';
import { permuteRows } from './ropePermute';
import type { ComparedPairView, Transform } from '../../shared/compareTypes';

/** Values compared per read: bounded memory whatever the tensor's size. */
const CHUNK_ELEMENTS = 1 << 20;

/** A pair and the layouts worth trying: rope-permute needs the rows per head and which side is GGUF. */
export interface MeasureJob {
  readonly reference: TensorEntry;
  readonly candidate: TensorEntry;
  readonly layout: { readonly kind: 'same'; readonly rope: { readonly groupRows: number; readonly candidateIsGguf: boolean } | null } | { readonly kind: 'transpose' };
}

function asFloat32(v: Values): Float32Array {
  if (v instanceof Float32Array) return v;
  if (v instanceof Float64Array) return Float32Array.from(v);
  throw new Error('not floating-point values');
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Smallest row count r with r * cols a multiple of `block`. */
function rowsForBlock(cols: number, block: number): number {
  return block / gcd(cols, block);
}

function countNonFinite(v: Float32Array): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) if (v[i]! - v[i]! !== 0) n++;
  return n;
}

/** Error sums of one candidate layout, plus the reference's own round trip through the candidate's ggml type. */
class Sums {
  readonly acc = newErrorAccumulator();
  readonly requant = newErrorAccumulator();
  private readonly buckets = new Float64Array(ERROR_BUCKETS);
  private scratch = new Float32Array(0);

  constructor(private readonly ggmlType: GgmlDType | null) {}

  add(x: Float32Array, y: Float32Array): void {
    errorStatsChunk(x, y, 0, x.length, this.acc, this.buckets);
    if (this.ggmlType === null) return;
    if (this.scratch.length !== x.length) this.scratch = new Float32Array(x.length);
    ggmlRoundTrip(this.ggmlType, x, this.scratch, 0, x.length);
    errorStatsChunk(x, this.scratch, 0, x.length, this.requant, this.buckets);
  }
}

function requantizable(dtype: string): GgmlDType | null {
  const t = GGML_TYPES.get(dtype as GgmlDType);
  return t?.quantize ? t.name : null;
}

/** Streams a pair in chunks of whole rows (whole heads for rope-permute) and returns its metrics; tries both layouts of Q/K. */
export async function measurePair(job: MeasureJob): Promise<ComparedPairView> {
  const { reference: r, candidate: c } = job;
  const ggmlType = requantizable(c.dtype);
  const nonFinite = { reference: 0, candidate: 0 };
  const layouts: { transform: Transform; sums: Sums }[] = [];
  if (job.layout.kind === 'transpose') {
    // A transposed pair needs the whole reference: only GPT-2-style Conv1D weights, 2-D.
    const [rows, cols] = r.shape as [number, number];
    const x = asFloat32(await r.data.read(0, r.numel));
    const y = asFloat32(await c.data.read(0, c.numel));
    const xt = new Float32Array(x.length);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) xt[j * rows + i] = x[i * cols + j]!;
    const sums = new Sums(ggmlType);
    sums.add(xt, y);
    nonFinite.reference = countNonFinite(x);
    nonFinite.candidate = countNonFinite(y);
    layouts.push({ transform: 'transpose', sums });
  } else {
    const rope = job.layout.rope;
    const cols = r.shape.length >= 2 ? r.numel / r.shape[0]! : 1;
    const totalRows = r.numel / cols;
    let align = Math.max(rowsForBlock(cols, c.data.blockSize), rowsForBlock(cols, r.data.blockSize));
    if (rope) align = (align * rope.groupRows) / gcd(align, rope.groupRows);
    const step = Math.max(1, Math.floor(CHUNK_ELEMENTS / cols / align)) * align;
    layouts.push({ transform: 'none', sums: new Sums(ggmlType) });
    if (rope) layouts.push({ transform: 'rope-permute', sums: new Sums(ggmlType) });
    for (let row = 0; row < totalRows; row += step) {
      const rows = Math.min(step, totalRows - row);
      const x = asFloat32(await r.data.read(row * cols, rows * cols));
      const y = asFloat32(await c.data.read(row * cols, rows * cols));
      nonFinite.reference += countNonFinite(x);
      nonFinite.candidate += countNonFinite(y);
      layouts[0]!.sums.add(x, y);
      if (rope) layouts[1]!.sums.add(permuteRows(x, rows, cols, rope.groupRows, rope.candidateIsGguf), y);
    }
  }
  const best = layouts.reduce((a, b) => (b.sums.acc[ERR.SUM_SQ_ERR]! < a.sums.acc[ERR.SUM_SQ_ERR]! ? b : a));
  const m = finishErrorMetrics(best.sums.acc, null);
  const sumSqX = best.sums.acc[ERR.SUM_SQ_X]!;
  const sumSqErr = best.sums.acc[ERR.SUM_SQ_ERR]!;
  return {
    reference: r.name,
    candidate: c.name,
    referenceDtype: r.dtype,
    candidateDtype: c.dtype,
    shape: c.shape,
    transform: best.transform,
    mse: m.mse,
    maxAbsErr: m.maxAbsErr,
    sqnrDb: m.sqnrDb,
    cosine: m.cosine,
    relFrobenius: sumSqX > 0 ? Math.sqrt(sumSqErr / sumSqX) : sumSqErr === 0 ? 0 : null,
    nonFinite,
    requantizedSqnrDb: ggmlType === null ? null : finishErrorMetrics(best.sums.requant, null).sqnrDb,
  };
}
