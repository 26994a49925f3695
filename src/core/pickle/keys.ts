import { PyBytes, PyCallable, PyClass, PyList, PyNative, PyObject, PySet, PyTuple, type PickleValue } from './values';

/** Deepest tuple nesting inside a dict key; real keys are strings, ints or flat tuples. */
export const MAX_KEY_DEPTH = 32;

const identities = new WeakMap<object, number>();
let nextIdentity = 0;

function identityOf(value: object): number {
  let id = identities.get(value);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(value, id);
  }
  return id;
}

/**
 * A string equal for two keys exactly when Python's `==` holds for them (True == 1 == 1.0),
 * or an error message when the value is unhashable in Python.
 */
export function keyOf(value: PickleValue, depth = 0): string | { readonly unhashable: string } {
  if (depth > MAX_KEY_DEPTH) return { unhashable: `key nested deeper than ${MAX_KEY_DEPTH}` };
  if (value === null) return 'N';
  if (typeof value === 'boolean') return value ? 'i1' : 'i0';
  if (typeof value === 'bigint') return `i${value}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `i${BigInt(value)}` : `f${value}`;
  if (typeof value === 'string') return `s${JSON.stringify(value)}`;
  if (value instanceof PyBytes) {
    if (value.mutable) return { unhashable: 'bytearray' };
    return `b${Buffer.from(value.bytes).toString('hex')}`;
  }
  if (value instanceof PyTuple) return sequenceKey('t', value.items, depth);
  if (value instanceof PySet) {
    if (!value.frozen) return { unhashable: 'set' };
    return sequenceKey('z', value.items, depth, true);
  }
  if (value instanceof PyClass) return `c${value.qualifiedName}`;
  if (value instanceof PyCallable) return `c${value.qualifiedName}`;
  if (value instanceof PyObject || value instanceof PyNative) return `o${identityOf(value)}`;
  return { unhashable: value instanceof PyList ? 'list' : 'dict' };
}

function sequenceKey(tag: string, items: readonly PickleValue[], depth: number, sorted = false): string | { readonly unhashable: string } {
  const parts: string[] = [];
  for (const item of items) {
    const k = keyOf(item, depth + 1);
    if (typeof k !== 'string') return k;
    // Length-prefixed, so nesting stays linear in size (quoting would double at every level).
    parts.push(`${k.length}:${k}`);
  }
  if (sorted) parts.sort();
  return `${tag}[${parts.join(',')}]`;
}
