/**
 * Small typed decoders for values that cross from a webview: each checks one value and returns
 * it (rebuilt, never the object it was given) or throws InvalidMessage naming where it failed.
 */

/** Why a webview message was refused; caught by validateMessage, never escapes it. */
export class InvalidMessage extends Error {
  override readonly name = 'InvalidMessage';
}

/** Checks `value` (found at `at`, e.g. `selection.bits[2]`) and returns it typed. */
export type Decoder<T> = (value: unknown, at: string) => T;

/** The type a decoder returns. */
export type Decoded<D> = D extends Decoder<infer T> ? T : never;

/** How much of an offending value a refusal quotes: enough to recognise it, never a flood. */
const QUOTE_CHARS = 40;

function invalid(at: string, why: string): never {
  throw new InvalidMessage(`${at}: ${why}`);
}

/** A value for a one-line message: strings quoted and clipped, other types named. */
export function describe(value: unknown): string {
  if (typeof value === 'string') {
    const clipped = value.length > QUOTE_CHARS ? `${value.slice(0, QUOTE_CHARS)}…(${value.length} chars)` : value;
    return JSON.stringify(clipped);
  }
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** An object built by a webview: structured clone gives plain objects, anything else is refused. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function text(maxLength: number): Decoder<string> {
  return (value, at) => {
    if (typeof value !== 'string') return invalid(at, `expected a string, got ${describe(value)}`);
    if (value.length > maxLength) return invalid(at, `string of ${value.length} chars exceeds ${maxLength}`);
    return value;
  };
}

/** A safe integer in [min, max] (NaN, infinities and fractions refused). */
export function integer(min: number, max: number): Decoder<number> {
  return (value, at) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) return invalid(at, `expected an integer, got ${describe(value)}`);
    if (value < min || value > max) return invalid(at, `${value} is outside ${min}..${max}`);
    return value;
  };
}

/** One of a vocabulary's words. */
export function oneOf<const T extends string>(values: readonly T[]): Decoder<T> {
  return (value, at) => {
    const found = values.find((v) => v === value);
    if (found === undefined) return invalid(at, `expected one of ${values.join(', ')}, got ${describe(value)}`);
    return found;
  };
}

export function literal<const T extends string>(word: T): Decoder<T> {
  return oneOf([word]);
}

export function nullable<T>(decode: Decoder<T>): Decoder<T | null> {
  return (value, at) => (value === null ? null : decode(value, at));
}

/** A key that may be absent (undefined); present, it must decode. */
export function optional<T>(decode: Decoder<T>): Decoder<T | undefined> {
  return (value, at) => (value === undefined ? undefined : decode(value, at));
}

export function list<T>(item: Decoder<T>, maxItems: number): Decoder<T[]> {
  return (value, at) => {
    if (!Array.isArray(value)) return invalid(at, `expected an array, got ${describe(value)}`);
    if (value.length > maxItems) return invalid(at, `${value.length} items exceed ${maxItems}`);
    return value.map((v, i) => item(v, `${at}[${i}]`));
  };
}

/** `decode`, then a check of the decoded value: `problem` returns why it is refused, or null. */
export function refine<T>(decode: Decoder<T>, problem: (value: T) => string | null): Decoder<T> {
  return (value, at) => {
    const decoded = decode(value, at);
    const why = problem(decoded);
    return why === null ? decoded : invalid(at, why);
  };
}

type Shape = Readonly<Record<string, Decoder<unknown>>>;
type ObjectOf<S extends Shape> = { -readonly [K in keyof S]: Decoded<S[K]> };

/**
 * A plain object with exactly the keys of `shape` (an optional decoder's key may be missing):
 * an unknown key (`__proto__`, `constructor`, a typo) is refused, and the result is a new object.
 */
export function object<const S extends Shape>(shape: S): Decoder<ObjectOf<S>> {
  return (value, at) => {
    if (!isPlainObject(value)) return invalid(at, `expected an object, got ${describe(value)}`);
    for (const key of Reflect.ownKeys(value)) {
      if (typeof key !== 'string' || !Object.hasOwn(shape, key)) return invalid(at, `unexpected key ${describe(String(key))}`);
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(shape)) {
      const decoded = shape[key]!(Object.hasOwn(value, key) ? value[key] : undefined, `${at}.${key}`);
      if (decoded !== undefined) out[key] = decoded;
    }
    return out as ObjectOf<S>;
  };
}

export const boolean: Decoder<boolean> = (value, at) => (typeof value === 'boolean' ? value : invalid(at, `expected true or false, got ${describe(value)}`));

/** A finite number in [min, max] (NaN and infinities refused). */
export function finite(min: number, max: number): Decoder<number> {
  return (value, at) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return invalid(at, `expected a finite number, got ${describe(value)}`);
    if (value < min || value > max) return invalid(at, `${value} is outside ${min}..${max}`);
    return value;
  };
}

/** A string of at most `maxLength` chars matching `pattern` (`what` names it in the refusal). */
export function word(pattern: RegExp, maxLength: number, what: string): Decoder<string> {
  return refine(text(maxLength), (s) => (pattern.test(s) ? null : `not ${what}: ${describe(s)}`));
}

/** One of several object shapes, chosen by the string at `tag` (each variant's decoder checks the rest). */
export function variants<const V extends Readonly<Record<string, Decoder<unknown>>>>(tag: string, byTag: V): Decoder<Decoded<V[keyof V]>> {
  return (value, at) => {
    if (!isPlainObject(value)) return invalid(at, `expected an object, got ${describe(value)}`);
    const kind = Object.hasOwn(value, tag) ? value[tag] : undefined;
    if (typeof kind !== 'string' || !Object.hasOwn(byTag, kind)) return invalid(`${at}.${tag}`, `expected one of ${Object.keys(byTag).join(', ')}, got ${describe(kind)}`);
    return byTag[kind]!(value, at) as Decoded<V[keyof V]>;
  };
}
