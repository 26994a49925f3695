import type { DType } from '../shared/vocab/dtypes';

/** Exact stored values of a run of elements, in the narrowest JS array that holds them exactly. */
export type Values =
  | Float32Array | Float64Array
  | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array;

/** Where a tensor's payload is and how to decode it; reads are lazy and bounded. */
export interface TensorData {
  /** Elements per indivisible unit (1 for plain dtypes, 32 or 256 for ggml blocks): read starts must be multiples of it. */
  readonly blockSize: number;
  /**
   * Exact stored values of elements [start, start + count) in row-major order (as numpy
   * and torch flatten them). Floats of 16 bits and less and ggml blocks come as float32,
   * BOOL as 0/1 bytes, 64-bit ints as bigint arrays.
   */
  read(start: number, count: number): Promise<Values>;
  /**
   * read() as float32, written into out[0..count) straight from the file with no intermediate
   * buffer; present only where the storage allows it (little-endian F32, F16, BF16 in a file).
   */
  readFloat32Into?(start: number, count: number, out: Float32Array): Promise<void>;
  /**
   * The stored little-endian bytes of elements [start, start + count) (count times the dtype's
   * width) into out, undecoded; present only for plain dtypes stored little-endian in a file.
   */
  readStoredInto?(start: number, count: number, out: Uint8Array): Promise<void>;
}

/** What `inspect` lists for one tensor (CLI.md). */
export interface TensorInfo {
  readonly name: string;
  readonly dtype: DType;
  /** Row-major, outermost first. */
  readonly shape: readonly number[];
  readonly numel: number;
  /** Bytes the payload occupies in its file. */
  readonly byteLength: number;
  /** File (or subgraph) the tensor lives in. */
  readonly source: string;
  /** Set when the stored type differs from the declared one (tfjs quantized weights). */
  readonly storage?: { readonly dtype: DType; readonly scale?: number; readonly min?: number };
}

export interface TensorEntry extends TensorInfo {
  readonly data: TensorData;
}

export type FormatId = 'safetensors' | 'gguf' | 'onnx' | 'pytorch' | 'numpy' | 'tfjs';

/** An opened model: headers parsed, payloads still on disk. */
export interface Model {
  readonly file: string;
  readonly format: FormatId;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly tensors: readonly TensorEntry[];
  /** File size(s) on disk in bytes. */
  readonly sizeOnDisk: number;
  close(): Promise<void>;
}

export function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
