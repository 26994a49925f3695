// Small files the host tests write: safetensors with many tensors, .npy arrays of a chosen shape.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** .npy headers are padded with spaces to a multiple of this (numpy format spec, version 1.0). */
const NPY_ALIGN = 64;

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(process.env['QUANTLENS_TEST_OUT'] ?? os.tmpdir(), prefix));
}

/** Deterministic values in [-1, 1) so every tensor has a range. */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** `count` F32 tensors of `shape`, named `layers.<i>.weight`. */
export function writeManyTensors(file: string, count: number, shape: readonly number[]): void {
  const numel = shape.reduce((a, b) => a * b, 1);
  const header: Record<string, unknown> = {};
  const chunks: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    header[`layers.${i}.weight`] = { dtype: 'F32', shape, data_offsets: [i * numel * 4, (i + 1) * numel * 4] };
    chunks.push(Buffer.from(values(numel, i + 1).buffer));
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  fs.writeFileSync(file, Buffer.concat([length, json, ...chunks]));
}

/** A float32 .npy of `shape`. */
export function writeNpy(file: string, shape: readonly number[]): void {
  const numel = shape.reduce((a, b) => a * b, 1);
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const prefix = 10;
  const padded = dict.padEnd(Math.ceil((prefix + dict.length + 1) / NPY_ALIGN) * NPY_ALIGN - prefix - 1, ' ') + '\n';
  const head = Buffer.alloc(prefix);
  head.write('\x93NUMPY', 0, 'latin1');
  head.writeUInt8(1, 6);
  head.writeUInt8(0, 7);
  head.writeUInt16LE(padded.length, 8);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(padded, 'latin1'), Buffer.from(values(numel, 7).buffer)]));
}
