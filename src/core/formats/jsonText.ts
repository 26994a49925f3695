import { FormatError } from '../errors';
import { UTF8_STRICT } from '../io/cursor';

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
      throw new FormatError(format, `${what}: dimension ${JSON.stringify(d)} is not a non-negative integer`, offset);
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
