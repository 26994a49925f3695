import { FormatError } from '../errors';
import { UTF8_STRICT } from '../io/cursor';
import { MAX_JSON_DEPTH, nestsDeeperThan, toJsonValue, type JsonValue } from '../jsonValue';

/** Strict UTF-8 JSON (no replacement characters, no trailing garbage) or a FormatError. */
export function parseJsonText(bytes: Uint8Array, format: string, what: string, offset: number): unknown {
  let text: string;
  try {
    text = UTF8_STRICT.decode(bytes);
  } catch {
    throw new FormatError(format, `${what} is not valid UTF-8`, offset);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    // V8's message names the character position of the fault, more precise than our offset.
    throw new FormatError(format, `${what} is not valid JSON: ${(e as Error).message.split('\n')[0]}`, offset);
  }
}

/** Longest text of a value quoted in an error message. */
const MAX_SNIPPET = 80;

/**
 * A JSON value as an error message quotes it: scalars and short flat arrays as JSON, anything
 * else by its kind. Never JSON.stringify of a stranger's value: it recurses, and a file can
 * nest 20,000 levels.
 */
export function jsonSnippet(value: unknown): string {
  const scalar = (v: unknown) => v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
  let text: string;
  if (Array.isArray(value)) text = value.length <= 8 && value.every(scalar) ? JSON.stringify(value) : `an array of ${value.length} items`;
  else if (isRecord(value)) text = 'an object';
  else text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > MAX_SNIPPET ? `${text.slice(0, MAX_SNIPPET)}...` : text;
}

/**
 * A JSON value from a file, kept as metadata: refused when it nests deeper than
 * MAX_JSON_DEPTH, as whoever prints, clones or posts it recurses.
 */
export function metadataJson(value: unknown, format: string, what: string, offset?: number): JsonValue {
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) throw new FormatError(format, `${what} nests deeper than ${MAX_JSON_DEPTH} levels`, offset);
  return toJsonValue(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A tensor shape: non-negative safe integers, at most `maxDims` of them; returns its element count. */
export function checkShape(shape: unknown, maxDims: number, format: string, what: string, offset?: number): { shape: number[]; numel: number } {
  if (!Array.isArray(shape)) throw new FormatError(format, `${what}: shape is not an array`, offset);
  if (shape.length > maxDims) throw new FormatError(format, `${what}: ${shape.length} dimensions exceed the limit of ${maxDims}`, offset);
  const dims: number[] = [];
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new FormatError(format, `${what}: dimension ${jsonSnippet(d)} is not a non-negative integer`, offset);
    }
    dims.push(d);
  }
  if (dims.includes(0)) return { shape: dims, numel: 0 };
  let numel = 1;
  for (const d of dims) {
    numel *= d;
    if (numel > Number.MAX_SAFE_INTEGER) throw new FormatError(format, `${what}: shape [${dims.join(', ')}] has more than 2^53 elements`, offset);
  }
  return { shape: dims, numel };
}
