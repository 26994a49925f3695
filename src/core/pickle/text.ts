/** Decoders for the text arguments of protocol-0 opcodes; each returns undefined on bad input. */

/** Longest decimal integer accepted: ints this long never appear in weight files, and BigInt parsing stays cheap. */
export const MAX_INT_DIGITS = 4300;

const DECIMAL_INT = /^[+-]?\d+$/;
const PY_FLOAT = /^[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|inf|infinity|nan)$/i;

/** `INT` / `LONG` / `GET` / `PUT` argument: decimal digits (LONG's Python 2 `L` suffix removed by the caller). */
export function parseDecimal(text: string): bigint | undefined {
  if (!DECIMAL_INT.test(text) || text.length > MAX_INT_DIGITS) return undefined;
  return BigInt(text);
}

/** `FLOAT` argument as Python's float() reads repr() output. */
export function parseFloat64(text: string): number | undefined {
  if (!PY_FLOAT.test(text)) return undefined;
  const lower = text.toLowerCase();
  const sign = lower.startsWith('-') ? -1 : 1;
  if (lower.endsWith('inf') || lower.endsWith('infinity')) return sign * Infinity;
  if (lower.endsWith('nan')) return NaN;
  return Number(text);
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  '\\': 0x5c, "'": 0x27, '"': 0x22, a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b,
};

/** `STRING` argument: a quoted Python 2 str repr, decoded like codecs.escape_decode. */
export function decodeQuotedBytes(text: string): Uint8Array | undefined {
  if (text.length < 2 || (text[0] !== "'" && text[0] !== '"') || text[text.length - 1] !== text[0]) return undefined;
  const body = text.slice(1, -1);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body.charCodeAt(i);
    if (ch > 0xff) return undefined;
    if (body[i] !== '\\') {
      out.push(ch);
      continue;
    }
    const next = body[++i];
    if (next === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) out.push(simple);
    else if (next === '\n') continue;
    else if (next === 'x') {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (/[0-7]/.test(next)) {
      const octal = /^[0-7]{1,3}/.exec(body.slice(i, i + 3))![0];
      out.push(parseInt(octal, 8) & 0xff);
      i += octal.length - 1;
    } else out.push(0x5c, next.charCodeAt(0));
  }
  return Uint8Array.from(out);
}

/** `UNICODE` argument: raw-unicode-escape (only \uXXXX and \UXXXXXXXX are escapes; other bytes are Latin-1). */
export function decodeRawUnicodeEscape(bytes: Uint8Array): string | undefined {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const marker = bytes[i + 1];
    if (b === 0x5c && (marker === 0x75 || marker === 0x55)) {
      const digits = marker === 0x75 ? 4 : 8;
      const hex = String.fromCharCode(...bytes.subarray(i + 2, i + 2 + digits));
      if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) return undefined;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) return undefined;
      out += String.fromCodePoint(code);
      i += 1 + digits;
    } else out += String.fromCharCode(b);
  }
  return out;
}
