/** Checks and conversions that every storage applies to its members. */
import { FormatError } from '../errors';
import type { Values } from '../tensor';
import { product } from '../tensor';
import type { FoundGroup, MemberInfo, MemberSource, ReadMember, StorageId, StoredGroup } from './storage';

export const DECODE_FORMAT = 'storage';

/** The tensors of a listing by name. */
export function byName(tensors: readonly MemberInfo[]): ReadonlyMap<string, MemberInfo> {
  return new Map(tensors.map((t) => [t.name, t]));
}

/** `name` without `suffix`, or undefined when it does not end so. */
export function stem(name: string, suffix: string): string | undefined {
  return name.endsWith(suffix) && name.length > suffix.length ? name.slice(0, -suffix.length) : undefined;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Reads a member and checks it holds `count` values. */
export async function readMember(group: StoredGroup, role: string, read: ReadMember, count: number): Promise<Values> {
  const name = group.members[role];
  if (name === undefined) throw new FormatError(DECODE_FORMAT, `${group.logical}: no ${role} member`);
  const values = await read(name);
  if (values.length !== count) throw new FormatError(DECODE_FORMAT, `${group.logical}: ${role} '${name}' has ${values.length} values, ${count} expected`);
  return values;
}

/** The name of the member of `role`, checked to hold `count` values, for reading its parts through `source`. */
export function memberOf(group: StoredGroup, role: string, source: MemberSource, count: number): string {
  const name = group.members[role];
  if (name === undefined) throw new FormatError(DECODE_FORMAT, `${group.logical}: no ${role} member`);
  const held = source.numel(name);
  if (held !== count) throw new FormatError(DECODE_FORMAT, `${group.logical}: ${role} '${name}' has ${held ?? 0} values, ${count} expected`);
  return name;
}

/** A float member as float32 (readers give F16 / BF16 / F8 as float32 already). */
export function asFloats(group: StoredGroup, role: string, values: Values): Float32Array | Float64Array {
  if (values instanceof Float32Array || values instanceof Float64Array) return values;
  throw new FormatError(DECODE_FORMAT, `${group.logical}: ${role} must hold floats`);
}

/** An integer member as plain numbers (32-bit words read as their bit patterns, unsigned). */
export function asU32(group: StoredGroup, role: string, values: Values): Uint32Array {
  if (values instanceof Int32Array || values instanceof Uint32Array) return new Uint32Array(values.buffer, values.byteOffset, values.length);
  throw new FormatError(DECODE_FORMAT, `${group.logical}: ${role} must hold 32-bit integers`);
}

/** A small-integer member (8 bits or less, or int32 indices) as numbers. */
export function asInts(group: StoredGroup, role: string, values: Values): Int32Array | Int8Array | Uint8Array | Int16Array | Uint16Array {
  if (values instanceof Float32Array || values instanceof Float64Array || values instanceof BigInt64Array || values instanceof BigUint64Array || values instanceof Uint32Array) {
    throw new FormatError(DECODE_FORMAT, `${group.logical}: ${role} must hold integers of 32 bits or less`);
  }
  return values;
}

export function numel(shape: readonly number[]): number {
  return product(shape);
}

/** Values per logical row: all but dim 0 (1 for a 1-D shape, whose rows are its values; 1 for a scalar). */
export function rowValues(shape: readonly number[]): number {
  return shape.length >= 2 ? product(shape.slice(1)) : 1;
}

/** Logical rows: dim 0 (1 for a scalar). */
export function rowCount(shape: readonly number[]): number {
  return shape.length >= 1 ? shape[0]! : 1;
}

export function fail(group: StoredGroup | string, message: string): never {
  throw new FormatError(DECODE_FORMAT, `${typeof group === 'string' ? group : group.logical}: ${message}`);
}

/**
 * Runs `look` on each candidate: a group, undefined (not this storage), or a FormatError, which
 * becomes a problem of that candidate alone so one odd tensor does not hide the others.
 */
export async function eachCandidate<T>(
  storage: StorageId,
  candidates: readonly T[],
  logicalOf: (c: T) => string,
  look: (c: T) => StoredGroup | undefined | Promise<StoredGroup | undefined>,
): Promise<FoundGroup[]> {
  const found: FoundGroup[] = [];
  for (const c of candidates) {
    try {
      const group = await look(c);
      if (group) found.push(group);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      const logical = logicalOf(c);
      found.push({ storage, logical, message: e.message.startsWith(`${logical}: `) ? e.message.slice(logical.length + 2) : e.message });
    }
  }
  return found;
}
