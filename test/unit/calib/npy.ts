/** Writes small .npy files for tests (format version 1.0, little-endian, C order). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const DESCR: Record<string, string> = { Float32Array: '<f4', Float64Array: '<f8', BigInt64Array: '<i8', Int32Array: '<i4' };

export function npyBytes(data: Float32Array | Float64Array | BigInt64Array | Int32Array, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${DESCR[data.constructor.name]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'quantlens-calib-'));
}

export function writeNpy(dir: string, name: string, data: Float32Array | Float64Array | BigInt64Array | Int32Array, shape: readonly number[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, npyBytes(data, shape));
  return file;
}
