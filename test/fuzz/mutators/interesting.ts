/** Values that sit on the edges parsers check (or forget to): sizes, signs, powers of two, 2^31, 2^32, 2^53, 2^64. */
export const INTERESTING_U8 = [0, 1, 2, 0x7f, 0x80, 0xfe, 0xff, 0x20, 0x40] as const;

export const INTERESTING_INTS: readonly bigint[] = [
  0n, 1n, 2n, 3n, 4n, 7n, 8n, 16n, 31n, 32n, 33n, 63n, 64n, 127n, 128n, 255n, 256n, 1023n, 1024n, 4096n,
  0x7fffn, 0x8000n, 0xffffn, 0x10000n, 130_000n, 1n << 20n, 1n << 24n, 0x7fffffffn, 0x80000000n, 0xffffffffn,
  1n << 32n, (1n << 32n) + 1n, 1n << 40n, (1n << 53n) - 1n, 1n << 53n, (1n << 53n) + 1n, 0x7fffffffffffffffn,
  0x8000000000000000n, 0xffffffffffffffffn,
];

/** Counts for repetition: copies of a field, entries, references. */
const SMALL_COUNTS = [2, 3, 8, 64, 255, 256, 1000, 4097] as const;
/** Past what a call takes as arguments (~125k), or what a quadratic loop survives. */
const BIG_COUNTS = [30_000, 65_537, 130_000] as const;

/** A repetition count: big ones one time in four, as they make big inputs that run (and mutate) slowly. */
export function pickCount(n: number): number {
  return n % 4 === 0 ? BIG_COUNTS[(n >>> 2) % BIG_COUNTS.length]! : SMALL_COUNTS[n % SMALL_COUNTS.length]!;
}

/** Strings that names and paths in files should never trust. */
export const INTERESTING_STRINGS: readonly string[] = [
  '', 'a', 'weight', '.', '..', '../x', '../../etc/passwd', '/etc/passwd', 'C:\\x', 'a/../b', 'a\nb', 'a\u0000b',
  '__proto__', 'constructor', 'x'.repeat(65), 'x'.repeat(70_000), '\ud800', 'é', '#2', 'data.pkl', 'archive/data.pkl',
  'a.npy', 'weights.bin', 'model.onnx', 'group1-shard1of1.bin', 'general.alignment', 'NaN', '1e309', '-1', '0x10',
];

/** A deterministic byte stream from a seed (mulberry32), for filler bytes. */
export function seededBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return out;
}
