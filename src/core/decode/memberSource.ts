/**
 * Members read in bounded parts: a row decoder asks for a range of a member's values or for some
 * of its columns, and no single read asks the reader for more than MEMBER_READ_VALUES values.
 * GPTQ and AWQ keep a logical row (an output channel) in a column of their packed members, so a
 * span of rows needs the same columns of every packed row: those are read in bands of whole rows
 * and kept as a slab wider than asked (up to COLUMN_SLAB_VALUES), so the next spans take their
 * columns from memory instead of reading the whole member again for each.
 */
import type { Values } from '../tensor';
import type { MemberSource, ReadMemberRange } from './storage';

/** Largest single member read: 1 M values (4 MB of int32 words), whatever the member's size. */
export const MEMBER_READ_VALUES = 1 << 20;
/**
 * Values one column slab keeps: 16 M (64 MB of int32 words, the packed codes of 128 M 4-bit
 * weights); a 70B's 8192 x 28672 GPTQ qweight (29 M words) is then read twice, not once per span.
 */
export const COLUMN_SLAB_VALUES = 1 << 24;
/** Slabs kept at once: the column-packed members of one group (GPTQ's qweight, qzeros and scales). */
const SLABS_KEPT = 3;

export interface MemberReadLimits {
  /** Largest single read, in values. */
  readonly readValues: number;
  /** Values a column slab keeps at most (a slab is never narrower than the columns asked for). */
  readonly slabValues: number;
}

const LIMITS: MemberReadLimits = { readValues: MEMBER_READ_VALUES, slabValues: COLUMN_SLAB_VALUES };

/** Columns [c0, c1) of a member seen as rows of `width`, all its rows. */
interface Slab {
  readonly width: number;
  readonly c0: number;
  readonly c1: number;
  readonly values: Values;
}

/** An empty array of the same kind as `like`. */
function alike(like: Values, length: number): Values {
  return new (like.constructor as new (length: number) => Values)(length);
}

/** out[at..] = from[begin, end); both of one kind (the Uint8Array view only names the shared `set`). */
function copy(out: Values, at: number, from: Values, begin: number, end: number): void {
  (out as Uint8Array).set((from as Uint8Array).subarray(begin, end), at);
}

/** Columns [a, b) of row-major [rows, width] values. */
function columns(values: Values, rows: number, width: number, a: number, b: number): Values {
  if (a === 0 && b === width) return values;
  const out = alike(values, rows * (b - a));
  for (let r = 0; r < rows; r++) copy(out, r * (b - a), values, r * width + a, r * width + b);
  return out;
}

/** A member source over `read` (ranges of a member's values) whose reads stay within `limits`. */
export function memberSource(numel: (name: string) => number | undefined, read: ReadMemberRange, limits: MemberReadLimits = LIMITS): MemberSource {
  const slabs = new Map<string, Slab>();

  /** A range of any length, in reads of at most limits.readValues values. */
  const readRange = async (name: string, start: number, count: number): Promise<Values> => {
    if (count <= limits.readValues) return read(name, start, count);
    let out: Values | undefined;
    for (let at = 0; at < count; at += limits.readValues) {
      const part = await read(name, start + at, Math.min(limits.readValues, count - at));
      out ??= alike(part, count);
      copy(out, at, part, 0, part.length);
    }
    return out!;
  };

  /** Columns [c0, c1) of all `rows`: bands of whole rows, or each row's part when one row is wider than a read. */
  const readBand = async (name: string, rows: number, width: number, c0: number, c1: number): Promise<Values> => {
    const w = c1 - c0;
    if (w === width || rows * w === 0) return readRange(name, 0, rows * width);
    let out: Values | undefined;
    if (width > limits.readValues) {
      for (let r = 0; r < rows; r++) {
        const part = await readRange(name, r * width + c0, w);
        out ??= alike(part, rows * w);
        copy(out, r * w, part, 0, w);
      }
      return out!;
    }
    const band = Math.floor(limits.readValues / width);
    for (let r = 0; r < rows; r += band) {
      const n = Math.min(band, rows - r);
      const part = await read(name, r * width, n * width);
      out ??= alike(part, rows * w);
      for (let k = 0; k < n; k++) copy(out, (r + k) * w, part, k * width + c0, k * width + c1);
    }
    return out!;
  };

  return {
    numel,
    read: readRange,
    async readColumns(name, width, c0, c1) {
      const rows = width > 0 ? Math.floor((numel(name) ?? 0) / width) : 0;
      const kept = slabs.get(name);
      if (kept && kept.width === width && kept.c0 <= c0 && c1 <= kept.c1) {
        // Spans come in order: one that reaches the slab's end is its last.
        if (c1 === kept.c1) slabs.delete(name);
        return columns(kept.values, rows, kept.c1 - kept.c0, c0 - kept.c0, c1 - kept.c0);
      }
      slabs.delete(name);
      const wide = Math.min(width, Math.max(c1, c0 + Math.floor(limits.slabValues / Math.max(1, rows))));
      const values = await readBand(name, rows, width, c0, wide);
      if (wide > c1) {
        slabs.set(name, { width, c0, c1: wide, values });
        for (const old of slabs.keys()) if (slabs.size > SLABS_KEPT) slabs.delete(old);
      }
      return columns(values, rows, wide - c0, 0, c1 - c0);
    },
  };
}

/** A source over members already read whole (decodeStoredGroup's, the tests'): ranges are views of them. */
export function wholeMemberSource(members: ReadonlyMap<string, Values>): MemberSource {
  return memberSource((name) => members.get(name)?.length, async (name, start, count) => members.get(name)!.subarray(start, start + count));
}
