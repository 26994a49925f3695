import * as fs from 'node:fs';
import * as path from 'node:path';

/** Vectors written by scripts/fixtures/ggml_vectors.sh from ggml's own C reference code. */
export const GGML_FIXTURES = path.join(__dirname, '../../fixtures/ggml');

export interface GgmlManifest {
  readonly segment: number;
  readonly segments: readonly string[];
  readonly randomValues: number;
  readonly types: Readonly<Record<string, { blockSize: number; typeSize: number; dequantize: boolean }>>;
}

export function readManifest(): GgmlManifest {
  return JSON.parse(fs.readFileSync(path.join(GGML_FIXTURES, 'manifest.json'), 'utf8')) as GgmlManifest;
}

export function readBytes(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(GGML_FIXTURES, name)));
}

export function readF32(name: string): Float32Array {
  const b = readBytes(name);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

export function readU16(name: string): Uint16Array {
  const b = readBytes(name);
  return new Uint16Array(b.buffer, b.byteOffset, b.byteLength / 2);
}

/** Index of the first element whose bits differ (NaNs of any payload count as equal), or -1. */
export function firstFloatMismatch(actual: Float32Array, expected: Float32Array): number {
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  if (a.length !== e.length) return Math.min(a.length, e.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== e[i] && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) return i;
  }
  return -1;
}
