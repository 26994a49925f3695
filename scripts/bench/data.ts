/** Benchmark inputs, written once per run into a temp folder: the same numbers for QuantLens, torch and numpy. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** The tensor: 4096 x 4096 float32 (16.7 M elements, 64 MB), weight-like (zero mean, std about 0.02). */
export const BENCH_SHAPE = [4096, 4096] as const;
export const BENCH_NUMEL = BENCH_SHAPE[0] * BENCH_SHAPE[1];

/** Deterministic weight-like floats (sum of three uniforms, scaled), with a few outliers as trained weights have. */
export function weights(n: number, seed: number, std = 0.02): Float32Array {
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const out = new Float32Array(n);
  const scale = std * 2; // the sum of three U(-0.5, 0.5) has std 0.5
  for (let i = 0; i < n; i++) out[i] = (next() + next() + next() - 1.5) * scale;
  for (let i = 0; i < n; i += 100_003) out[i] = (next() - 0.5) * 40 * std;
  return out;
}

/** bfloat16 bits of float32 values, rounded to nearest even (as torch's .to(torch.bfloat16)). */
export function toBf16Bits(x: Float32Array): Uint16Array {
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const out = new Uint16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const b = bits[i]!;
    out[i] = (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
  }
  return out;
}

/** The header of a .npy file (format 1.0, little-endian float32, C order) of this shape. */
export function npyHeader(shape: readonly number[]): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // Magic (6) + version (2) + length (2) + dict + newline, padded with spaces to a multiple of 64.
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const header = Buffer.alloc(total, 0x20);
  header.write('\x93NUMPY', 0, 'latin1');
  header[6] = 1;
  header[7] = 0;
  header.writeUInt16LE(total - 10, 8);
  header.write(dict, 10, 'latin1');
  header[total - 1] = 0x0a;
  return header;
}

/** A .npy file (format 1.0, little-endian float32, C order): what numpy.load and torch read. */
export async function writeNpy(file: string, x: Float32Array, shape: readonly number[]): Promise<void> {
  await fs.writeFile(file, Buffer.concat([npyHeader(shape), Buffer.from(x.buffer, x.byteOffset, x.byteLength)]));
}

export interface StTensor {
  readonly name: string;
  readonly dtype: 'F32' | 'BF16';
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

/** A .safetensors file, laid out as the reference writer does (header padded with spaces to 8). */
export async function writeSafetensors(file: string, tensors: readonly StTensor[]): Promise<void> {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const padded = Buffer.alloc(Math.ceil(json.length / 8) * 8, 0x20);
  json.copy(padded);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(padded.length));
  await fs.writeFile(file, Buffer.concat([prefix, padded, ...tensors.map((t) => Buffer.from(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength))]));
}

export function bytesOf(x: Float32Array | Uint16Array): Uint8Array {
  return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

export interface BenchFiles {
  readonly dir: string;
  /** The tensor as .npy (float32), for torch and numpy. */
  readonly npy: string;
  /** The same tensor, one F32 safetensors tensor. */
  readonly single: string;
  /** The same numbers cut into 8 tensors of 512 x 4096, so a pool of threads has work to share. */
  readonly sharded: string;
  /** The same numbers rounded to BF16, one tensor. */
  readonly bf16: string;
}

export const SHARDS = 8;

export async function writeBenchFiles(dir: string): Promise<BenchFiles> {
  const x = weights(BENCH_NUMEL, 1);
  const files: BenchFiles = {
    dir,
    npy: path.join(dir, 'w.npy'),
    single: path.join(dir, 'w.safetensors'),
    sharded: path.join(dir, 'w8.safetensors'),
    bf16: path.join(dir, 'w-bf16.safetensors'),
  };
  await writeNpy(files.npy, x, BENCH_SHAPE);
  await writeSafetensors(files.single, [{ name: 'w', dtype: 'F32', shape: BENCH_SHAPE, bytes: bytesOf(x) }]);
  const rows = BENCH_SHAPE[0] / SHARDS;
  await writeSafetensors(files.sharded, Array.from({ length: SHARDS }, (_, i) => ({
    name: `layers.${i}.weight`, dtype: 'F32' as const, shape: [rows, BENCH_SHAPE[1]],
    bytes: bytesOf(x.subarray(i * rows * BENCH_SHAPE[1], (i + 1) * rows * BENCH_SHAPE[1])),
  })));
  await writeSafetensors(files.bf16, [{ name: 'w', dtype: 'BF16', shape: BENCH_SHAPE, bytes: bytesOf(toBf16Bits(x)) }]);
  return files;
}
