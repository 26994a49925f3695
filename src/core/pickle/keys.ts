import { createHash } from 'node:crypto';
import { PyBytes, PyCallable, PyClass, PyList, PyNative, PyObject, PySet, PyTuple, type PickleValue } from './values';

/** Deepest tuple nesting inside a dict key; real keys are strings, ints or flat tuples. */
export const MAX_KEY_DEPTH = 32;
/**
 * Strings and bytes longer than this are keyed by a digest, computed once per string or bytes
 * object: real keys are parameter names, far shorter, while one 1 MB string reused by the memo
 * as the key of 2,000 SETITEMs cost 2,000 copies of it (40 s).
 */
export const DIGEST_KEY_LENGTH = 256;

export type Unhashable = { readonly unhashable: string };

/** A tuple's or frozenset's key and how deep it nests (0 for an empty one, 1 for one of scalars). */
interface CompositeKey {
  readonly key: string;
  readonly height: number;
}

/**
 * Keys of tuples and frozensets, by identity: each is hashed once, however often it is used
 * as (part of) a key, so a pickle whose key reuses one tuple at every level (billion laughs)
 * or sets one long tuple as a key again and again costs its size, not its expansion.
 * Both are immutable once built (the unpickler refuses ADDITEMS on a frozenset).
 */
const composites = new WeakMap<PyTuple | PySet, CompositeKey | Unhashable>();
/** Keys of bytes objects, by identity (bytes never change; a bytearray is unhashable). */
const bytesKeys = new WeakMap<PyBytes, string>();

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

const TOO_DEEP = `key nested deeper than ${MAX_KEY_DEPTH}`;
const tooDeep = (): Unhashable => ({ unhashable: TOO_DEEP });
const digest = (data: string | Uint8Array) => createHash('sha256').update(data).digest('base64');

/**
 * Dict keys of one unpickling: a string equal for two keys exactly when Python's `==` holds
 * for them (True == 1 == 1.0), or an error message when the value is unhashable in Python.
 * Each string, bytes, tuple or frozenset object is hashed once, so the work is bounded by the
 * pickle's size, not by how often it reuses a value (the billion-laughs attack).
 */
export class DictKeys {
  /** Digest keys of long strings, by the string itself: Map lookups of the same string object cost O(1), not O(length). */
  private readonly longStrings = new Map<string, string>();

  keyOf(value: PickleValue): string | Unhashable {
    if (value instanceof PyTuple || value instanceof PySet) {
      if (value instanceof PySet && !value.frozen) return { unhashable: 'set' };
      const composite = this.compositeKey(value, MAX_KEY_DEPTH);
      return 'unhashable' in composite ? composite : composite.key;
    }
    return this.scalarKey(value);
  }

  /** Keys of everything but tuples and sets (which compositeKey hashes). */
  private scalarKey(value: PickleValue): string | Unhashable {
    if (value === null) return 'N';
    if (typeof value === 'boolean') return value ? 'i1' : 'i0';
    if (typeof value === 'bigint') return `i${value}`;
    if (typeof value === 'number') return Number.isInteger(value) ? `i${BigInt(value)}` : `f${value}`;
    if (typeof value === 'string') return value.length > DIGEST_KEY_LENGTH ? this.longStringKey(value) : `s${JSON.stringify(value)}`;
    if (value instanceof PyBytes) return value.mutable ? { unhashable: 'bytearray' } : bytesKey(value);
    if (value instanceof PyClass) return `c${value.qualifiedName}`;
    if (value instanceof PyCallable) return `c${value.qualifiedName}`;
    if (value instanceof PyObject || value instanceof PyNative) return `o${identityOf(value)}`;
    return { unhashable: value instanceof PyList ? 'list' : value instanceof PySet ? 'set' : 'dict' };
  }

  private longStringKey(value: string): string {
    let key = this.longStrings.get(value);
    if (key === undefined) {
      // 'S', not 's': a digest never equals a short string's quoted text (and lengths differ anyway).
      key = `S${digest(value)}`;
      this.longStrings.set(value, key);
    }
    return key;
  }

  /**
   * Content-addressed key of a tuple or frozenset: a digest of its items' keys, so the key
   * stays short whatever the nesting. Only nesting within `budget` levels is followed, so a
   * chain of a million tuples costs MAX_KEY_DEPTH steps; too deep is not cached, as the
   * unpickler refuses the pickle at its first unhashable key.
   */
  private compositeKey(value: PyTuple | PySet, budget: number): CompositeKey | Unhashable {
    const cached = composites.get(value);
    if (cached) return 'unhashable' in cached || cached.height <= budget ? cached : tooDeep();
    const parts: string[] = [];
    let height = 0;
    for (const item of value.items) {
      // Any item makes this tuple one level high at least.
      if (budget <= 0) return tooDeep();
      let part: string;
      if (item instanceof PyTuple || item instanceof PySet) {
        if (item instanceof PySet && !item.frozen) return remember(value, { unhashable: 'set' });
        const inner = this.compositeKey(item, budget - 1);
        if ('unhashable' in inner) return inner.unhashable === TOO_DEEP ? inner : remember(value, inner);
        height = Math.max(height, inner.height + 1);
        part = inner.key;
      } else {
        const k = this.scalarKey(item);
        if (typeof k !== 'string') return remember(value, k);
        height = Math.max(height, 1);
        part = k;
      }
      // Length-prefixed, so no two item lists give the same text.
      parts.push(`${part.length}:${part}`);
    }
    // A frozenset equals another with the same distinct items, in any order.
    const items = value instanceof PySet ? [...new Set(parts)].sort() : parts;
    return remember(value, { key: `${value instanceof PySet ? 'z' : 't'}${digest(items.join(','))}`, height });
  }
}

function bytesKey(value: PyBytes): string {
  let key = bytesKeys.get(value);
  if (key === undefined) {
    key = value.bytes.length > DIGEST_KEY_LENGTH ? `B${digest(value.bytes)}` : `b${Buffer.from(value.bytes).toString('hex')}`;
    bytesKeys.set(value, key);
  }
  return key;
}

function remember(value: PyTuple | PySet, key: CompositeKey | Unhashable): CompositeKey | Unhashable {
  composites.set(value, key);
  return key;
}

/** The key of one value, for looking up a known name in a loaded dict. */
export function keyOf(value: PickleValue): string | Unhashable {
  return new DictKeys().keyOf(value);
}
