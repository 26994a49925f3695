import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DType } from '../../../src/shared/vocab/dtypes';
import type { Model, Values } from '../../../src/core/tensor';

export type JsonScalar = number | string | boolean;

/** Values in the fixtures' JSON conventions (CLI.md): NaN/Infinity as strings, int64 beyond 2^53 as strings, BOOL as booleans. */
export function jsonValues(values: Values, dtype: DType): JsonScalar[] {
  return Array.from(values as ArrayLike<number | bigint>, (v): JsonScalar => {
    if (dtype === 'BOOL') return v !== 0;
    if (typeof v === 'bigint') return v <= 2n ** 53n && v >= -(2n ** 53n) ? Number(v) : v.toString();
    if (Number.isNaN(v)) return 'NaN';
    if (v === Infinity) return 'Infinity';
    if (v === -Infinity) return '-Infinity';
    return v;
  });
}

/** Exact float32 -> IEEE binary16 for values that are representable (all decoded F16 values are). */
function f32ToF16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  if (a === 0) return sign;
  if (a < 2 ** -14) return sign | Math.round(a / 2 ** -24);
  const exp = Math.floor(Math.log2(a));
  const e = a / 2 ** exp >= 2 ? exp + 1 : a / 2 ** exp < 1 ? exp - 1 : exp;
  return sign | ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
}

/** The raw little-endian bytes of decoded values, as the fixtures hash them. */
export function rawBytes(values: Values, dtype: DType): Uint8Array {
  switch (dtype) {
    case 'F32': return new Uint8Array(Float32Array.from(values as Float32Array).buffer);
    case 'F64': return new Uint8Array(Float64Array.from(values as Float64Array).buffer);
    case 'F16': return new Uint8Array(Uint16Array.from(values as Float32Array, f32ToF16Bits).buffer);
    case 'BF16': return new Uint8Array(Uint16Array.from(new Uint32Array(Float32Array.from(values as Float32Array).buffer), (b) => b >>> 16).buffer);
    case 'I64': return new Uint8Array(BigInt64Array.from(values as BigInt64Array).buffer);
    default: throw new Error(`rawBytes: ${dtype} is not hashed by any fixture`);
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export interface ExpectedTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: number[];
  readonly values?: JsonScalar[];
  readonly first8?: JsonScalar[];
  readonly first16?: JsonScalar[];
  readonly sha256?: string;
}

/** Compares a model's tensors, in order, with the fixture's list: names, dtypes, shapes and whatever values it pins. */
export async function assertTensors(model: Model, expected: readonly ExpectedTensor[]): Promise<void> {
  assert.deepEqual(model.tensors.map((t) => t.name), expected.map((t) => t.name));
  for (const [i, want] of expected.entries()) {
    const t = model.tensors[i]!;
    assert.equal(t.dtype, want.dtype, t.name);
    assert.deepEqual(t.shape, want.shape, t.name);
    const all = await t.data.read(0, t.numel);
    if (want.values) assert.deepEqual(jsonValues(all, t.dtype), want.values, t.name);
    if (want.first8) assert.deepEqual(jsonValues(all.subarray(0, 8), t.dtype), want.first8, t.name);
    if (want.first16) assert.deepEqual(jsonValues(all.subarray(0, 16), t.dtype), want.first16, t.name);
    if (want.sha256) assert.equal(sha256Hex(rawBytes(all, t.dtype)), want.sha256, `${t.name} sha256`);
  }
}
