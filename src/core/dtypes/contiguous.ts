import type { ByteSource } from '../io/byteSource';
import type { TensorData, Values } from '../tensor';
import { FormatError } from '../errors';
import { isPlainDType, PLAIN_DTYPES, type DType, type PlainDType } from '../../shared/vocab/dtypes';
import { bf16ToF32, f16ToF32, F8_E4M3_TABLE, F8_E5M2_TABLE } from '../numeric/floats';
import { GGML_TYPES } from '../quant/ggml/index';

export interface ContiguousLayout {
  readonly source: ByteSource;
  readonly format: string;
  /** Absolute offset of element 0. */
  readonly offset: number;
  readonly dtype: DType;
  readonly numel: number;
  readonly littleEndian?: boolean;
}

/** A tensor stored densely in row-major order: the common case of every format. */
export function contiguousData(layout: ContiguousLayout): TensorData {
  const { dtype, format } = layout;
  if (isPlainDType(dtype)) {
    const width = PLAIN_DTYPES[dtype].bytes;
    const data: TensorData = {
      blockSize: 1,
      async read(start, count) {
        checkSpan(start, count, layout.numel, format);
        const bytes = await layout.source.read(layout.offset + start * width, count * width, format);
        return decodePlain(bytes, dtype, count, layout.littleEndian ?? true);
      },
    };
    const readInto = layout.source.readInto?.bind(layout.source);
    if (!readInto || !(layout.littleEndian ?? true)) return data;
    const stored: TensorData = {
      ...data,
      async readStoredInto(start, count, out) {
        checkSpan(start, count, layout.numel, format);
        await readInto(layout.offset + start * width, out.subarray(0, count * width), format);
      },
    };
    const widen = WIDEN_IN_PLACE[dtype];
    if (widen === undefined || !HOST_LITTLE_ENDIAN) return stored;
    return {
      ...stored,
      async readFloat32Into(start, count, out) {
        checkSpan(start, count, layout.numel, format);
        // Narrow values land in the top of out's bytes and are widened upwards (see widenInPlace).
        const bytes = count * width;
        const end = out.byteOffset + count * 4;
        await readInto(layout.offset + start * width, new Uint8Array(out.buffer, end - bytes, bytes), format);
        widen(out, count);
      },
    };
  }
  const traits = GGML_TYPES.get(dtype);
  if (!traits) throw new FormatError(format, `no decoder for ggml type ${dtype}`);
  return {
    blockSize: traits.blockSize,
    async read(start, count) {
      checkSpan(start, count, layout.numel, format);
      if (start % traits.blockSize !== 0) throw new RangeError(`read start ${start} is not block-aligned for ${dtype}`);
      const nBlocks = Math.ceil(count / traits.blockSize);
      const firstBlock = start / traits.blockSize;
      const bytes = await layout.source.read(layout.offset + firstBlock * traits.typeSize, nBlocks * traits.typeSize, format);
      const out = new Float32Array(nBlocks * traits.blockSize);
      traits.dequantize(bytes, out, nBlocks);
      return count === out.length ? out : out.subarray(0, count);
    },
  };
}

function checkSpan(start: number, count: number, numel: number, format: string): void {
  if (start < 0 || count < 0 || start + count > numel) {
    throw new FormatError(format, `element range ${start}+${count} outside tensor of ${numel}`);
  }
}

/** Decodes `count` elements of a plain dtype from raw bytes in the given byte order. */
export function decodePlain(bytes: Uint8Array, dtype: PlainDType, count: number, littleEndian: boolean): Values {
  if (littleEndian && HOST_LITTLE_ENDIAN) {
    // The bulk of every model: whole-array copies and shifts instead of a DataView call per element.
    switch (dtype) {
      case 'F32': return new Float32Array(alignedCopy(bytes, count * 4));
      case 'BF16': return bf16Widened(new Uint16Array(alignedCopy(bytes, count * 2)));
      case 'F16': return f16Widened(new Uint16Array(alignedCopy(bytes, count * 2)));
      default: break;
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F64': return fill(new Float64Array(count), (i) => view.getFloat64(i * 8, littleEndian));
    case 'F32': return fill(new Float32Array(count), (i) => view.getFloat32(i * 4, littleEndian));
    case 'F16': return fill(new Float32Array(count), (i) => f16ToF32(view.getUint16(i * 2, littleEndian)));
    case 'BF16': return fill(new Float32Array(count), (i) => bf16ToF32(view.getUint16(i * 2, littleEndian)));
    case 'F8_E4M3': return fill(new Float32Array(count), (i) => F8_E4M3_TABLE[bytes[i]!]!);
    case 'F8_E5M2': return fill(new Float32Array(count), (i) => F8_E5M2_TABLE[bytes[i]!]!);
    case 'I64': return fillBig(new BigInt64Array(count), (i) => view.getBigInt64(i * 8, littleEndian));
    case 'U64': return fillBig(new BigUint64Array(count), (i) => view.getBigUint64(i * 8, littleEndian));
    case 'I32': return fill(new Int32Array(count), (i) => view.getInt32(i * 4, littleEndian));
    case 'U32': return fill(new Uint32Array(count), (i) => view.getUint32(i * 4, littleEndian));
    case 'I16': return fill(new Int16Array(count), (i) => view.getInt16(i * 2, littleEndian));
    case 'U16': return fill(new Uint16Array(count), (i) => view.getUint16(i * 2, littleEndian));
    case 'I8': return new Int8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + count));
    case 'U8': return new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + count));
    case 'BOOL': return fill(new Uint8Array(count), (i) => (bytes[i] ? 1 : 0));
  }
}

/**
 * Widens `count` values stored in the top count * width bytes of out[0..count) to float32 in
 * place: ascending, value i is read before out[i] is written, and out[i] ends below value i + 1.
 */
const WIDEN_IN_PLACE: Partial<Record<PlainDType, (out: Float32Array, count: number) => void>> = {
  F32: () => undefined,
  BF16(out, count) {
    const halves = new Uint16Array(out.buffer, out.byteOffset + count * 2, count);
    const bits = new Uint32Array(out.buffer, out.byteOffset, count);
    for (let i = 0; i < count; i++) bits[i] = halves[i]! << 16;
  },
  F16(out, count) {
    const halves = new Uint16Array(out.buffer, out.byteOffset + count * 2, count);
    for (let i = 0; i < count; i++) out[i] = f16ToF32(halves[i]!);
  },
};

/** Typed arrays read in host byte order: the fast paths above apply when that is the file's (little-endian). */
const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The first `byteLength` bytes in a fresh buffer (aligned for any typed array, and never a view of a cached file). */
function alignedCopy(bytes: Uint8Array, byteLength: number): ArrayBuffer {
  const out = new Uint8Array(byteLength);
  out.set(bytes.subarray(0, byteLength));
  return out.buffer;
}

/** bfloat16 is the high half of a float32. */
function bf16Widened(halves: Uint16Array): Float32Array {
  const bits = new Uint32Array(halves.length);
  for (let i = 0; i < halves.length; i++) bits[i] = halves[i]! << 16;
  return new Float32Array(bits.buffer);
}

function f16Widened(halves: Uint16Array): Float32Array {
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) out[i] = f16ToF32(halves[i]!);
  return out;
}

function fill<T extends { length: number; [i: number]: number }>(out: T, at: (i: number) => number): T {
  for (let i = 0; i < out.length; i++) out[i] = at(i);
  return out;
}

function fillBig<T extends { length: number; [i: number]: bigint }>(out: T, at: (i: number) => bigint): T {
  for (let i = 0; i < out.length; i++) out[i] = at(i);
  return out;
}

/** Values as float32 for analysis (64-bit and integer values are rounded to the nearest float32). */
export function toFloat32(values: Values): Float32Array {
  if (values instanceof Float32Array) return values;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Number(values[i]!);
  return out;
}
