/** Longest varint: 64 bits in 7-bit groups. // protobuf encoding guide: "Base 128 Varints" */
export const MAX_VARINT_BYTES = 10;

/** Returned by VarintDecoder.decode when the bytes end before the varint does. */
export const VARINT_TRUNCATED = -1;
/** Returned when the 10th byte carries more than bit 63 (or a continuation bit). */
export const VARINT_OVERFLOW = -2;

/**
 * Decodes one varint into two 32-bit halves without allocating, so payload loops stay cheap.
 * 64-bit values never pass through a JS number: callers combine `lo`/`hi` as they need.
 */
export class VarintDecoder {
  /** Bits 0..31, unsigned. */
  lo = 0;
  /** Bits 32..63, unsigned. */
  hi = 0;

  /** Decodes at bytes[pos] (not reading at or past `end`); returns the next position or a negative code. */
  decode(bytes: Uint8Array, pos: number, end: number): number {
    let lo = 0;
    let i = pos;
    for (let shift = 0; shift < 28; shift += 7) {
      if (i >= end) return VARINT_TRUNCATED;
      const b = bytes[i++]!;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) return this.done(lo, 0, i);
    }
    if (i >= end) return VARINT_TRUNCATED;
    let b = bytes[i++]!;
    // The 5th byte splits: 4 bits finish `lo`, 3 bits start `hi`.
    lo |= (b & 0x0f) << 28;
    let hi = (b & 0x7f) >> 4;
    if (b < 0x80) return this.done(lo, hi, i);
    for (let shift = 3; shift < 31; shift += 7) {
      if (i >= end) return VARINT_TRUNCATED;
      b = bytes[i++]!;
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) return this.done(lo, hi, i);
    }
    if (i >= end) return VARINT_TRUNCATED;
    b = bytes[i++]!;
    if (b > 1) return VARINT_OVERFLOW;
    return this.done(lo, hi | (b << 31), i);
  }

  private done(lo: number, hi: number, next: number): number {
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    return next;
  }
}

/** The varint as a signed 64-bit bigint (int64 fields). */
export function varintToInt64(lo: number, hi: number): bigint {
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
}

/** The varint as an unsigned 64-bit bigint (uint64 fields). */
export function varintToUint64(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Largest value whose high half keeps the total below 2^53. */
const MAX_SAFE_HI = 0x1fffff;

/** The varint as a non-negative JS number, or undefined when it is negative or beyond 2^53. */
export function varintToSafeNumber(lo: number, hi: number): number | undefined {
  if (hi > MAX_SAFE_HI) return undefined;
  return hi * 0x100000000 + lo;
}
