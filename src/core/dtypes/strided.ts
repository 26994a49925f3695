import { FormatError } from '../errors';
import type { ByteSource } from '../io/byteSource';
import type { TensorData } from '../tensor';
import { decodePlain } from './contiguous';
import { PLAIN_DTYPES, type PlainDType } from '../../shared/vocab/dtypes';

/** Largest single read of a gather; wider views are read window by window over their sorted offsets. */
export const STRIDED_WINDOW_BYTES = 16 * 1024 * 1024;

export interface StridedLayout {
  readonly source: ByteSource;
  readonly format: string;
  /** Absolute offset of element [0, 0, ..., 0]. */
  readonly offset: number;
  readonly dtype: PlainDType;
  readonly shape: readonly number[];
  /** Element (not byte) strides, one per dimension; never negative (torch and numpy files have none). */
  readonly strides: readonly number[];
  readonly littleEndian?: boolean;
}

/** Elements from element 0 to one past the furthest element the view touches (0 when it is empty). */
export function viewExtent(shape: readonly number[], strides: readonly number[]): number {
  let last = 0;
  for (let k = 0; k < shape.length; k++) {
    if (shape[k] === 0) return 0;
    last += (shape[k]! - 1) * strides[k]!;
  }
  return last + 1;
}

/** True when the strides are those of a dense row-major array (sizes-1 dimensions may have any stride). */
export function isRowMajor(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    if (shape[k] !== 1 && strides[k] !== expected) return false;
    expected *= shape[k]!;
  }
  return true;
}

/** Column-major (Fortran order) strides of a shape. */
export function fortranStrides(shape: readonly number[]): number[] {
  const strides: number[] = [];
  let step = 1;
  for (const d of shape) {
    strides.push(step);
    step *= d;
  }
  return strides;
}

/**
 * A view whose elements are not stored in row-major order (a transposed or sliced torch tensor,
 * a Fortran-order numpy array). Reads gather the requested run of row-major elements in
 * bounded windows, then decode them like a dense payload.
 */
export function stridedData(layout: StridedLayout): TensorData {
  const numel = layout.shape.reduce((a, b) => a * b, 1);
  return {
    blockSize: 1,
    async read(start, count) {
      if (start < 0 || count < 0 || start + count > numel) {
        throw new FormatError(layout.format, `element range ${start}+${count} outside tensor of ${numel}`);
      }
      const width = PLAIN_DTYPES[layout.dtype].bytes;
      const indices = elementIndices(layout.shape, layout.strides, start, count);
      const gathered = await gather(layout, indices, width);
      return decodePlain(gathered, layout.dtype, count, layout.littleEndian ?? true);
    },
  };
}

/** Storage element index of each row-major element in [start, start + count). */
function elementIndices(shape: readonly number[], strides: readonly number[], start: number, count: number): Float64Array {
  const rank = shape.length;
  const position = new Array<number>(rank).fill(0);
  let index = 0;
  let rest = start;
  for (let k = rank - 1; k >= 0; k--) {
    position[k] = rest % shape[k]!;
    rest = Math.floor(rest / shape[k]!);
    index += position[k]! * strides[k]!;
  }
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = index;
    for (let k = rank - 1; k >= 0; k--) {
      position[k]!++;
      index += strides[k]!;
      if (position[k]! < shape[k]!) break;
      index -= shape[k]! * strides[k]!;
      position[k] = 0;
    }
  }
  return out;
}

/** Raw bytes of the given elements in the given order, read in windows of at most STRIDED_WINDOW_BYTES. */
async function gather(layout: StridedLayout, indices: Float64Array, width: number): Promise<Uint8Array> {
  const out = new Uint8Array(indices.length * width);
  if (indices.length === 0) return out;
  let min = Infinity;
  let max = -Infinity;
  for (const i of indices) {
    if (i < min) min = i;
    if (i > max) max = i;
  }
  if ((max - min + 1) * width <= STRIDED_WINDOW_BYTES) {
    const window = await layout.source.read(layout.offset + min * width, (max - min + 1) * width, layout.format);
    for (let i = 0; i < indices.length; i++) copyElement(window, (indices[i]! - min) * width, out, i * width, width);
    return out;
  }
  const order = new Uint32Array(indices.length).map((_, i) => i).sort((a, b) => indices[a]! - indices[b]!);
  const windowElements = Math.max(1, Math.floor(STRIDED_WINDOW_BYTES / width));
  for (let p = 0; p < order.length; ) {
    const first = indices[order[p]!]!;
    let q = p;
    while (q < order.length && indices[order[q]!]! < first + windowElements) q++;
    const last = indices[order[q - 1]!]!;
    const window = await layout.source.read(layout.offset + first * width, (last - first + 1) * width, layout.format);
    for (; p < q; p++) copyElement(window, (indices[order[p]!]! - first) * width, out, order[p]! * width, width);
  }
  return out;
}

function copyElement(from: Uint8Array, fromAt: number, to: Uint8Array, toAt: number, width: number): void {
  for (let b = 0; b < width; b++) to[toAt + b] = from[fromAt + b]!;
}
