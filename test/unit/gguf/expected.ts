import * as fs from 'node:fs';
import * as path from 'node:path';

export const GGUF_FIXTURES = path.join(__dirname, '../../fixtures/gguf');

export interface FieldLayout {
  readonly tensorCount: number;
  readonly kvCount: number;
  readonly dataStart: number;
  readonly alignment: number;
  readonly kvs: readonly { key: string; at: number; type: number; value: number }[];
  readonly tensors: readonly { name: string; at: number; nDims: number; ne: number; type: number; offset: number; relativeOffset: number; byteLength: number }[];
}

export interface ExpectedTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly numel: number;
  readonly byteLength: number;
  readonly values?: readonly (number | string)[];
  readonly ggmlDequantized?: string;
}

export interface ExpectedFile {
  readonly size: number;
  readonly metadata: Record<string, unknown>;
  readonly tensors: readonly ExpectedTensor[];
  readonly layout: FieldLayout;
}

/** Written by scripts/fixtures/fixtures_gguf.py next to the .gguf files. */
export const EXPECTED = JSON.parse(fs.readFileSync(path.join(GGUF_FIXTURES, 'expected.json'), 'utf8')) as Record<string, ExpectedFile>;

export function fixtureBytes(file: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(GGUF_FIXTURES, file)));
}

/** A copy of `bytes` with a little-endian unsigned integer of `width` bytes written at `at`. */
export function patched(bytes: Uint8Array, at: number, value: bigint | number, width: 1 | 4 | 8): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  if (width === 1) view.setUint8(at, Number(value));
  else if (width === 4) view.setUint32(at, Number(value), true);
  else view.setBigUint64(at, BigInt(value), true);
  return out;
}

/** CLI.md's JSON conventions for comparing with expected.json: non-finite floats as strings, bigints as numbers or decimal strings. */
export function jsonLike(v: unknown): unknown {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v;
  if (typeof v === 'bigint') return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(jsonLike);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonLike(x)]));
  return v;
}
