/**
 * The distinct-value path's pass for 16-bit floats read as stored (TensorData.readStoredInto):
 * each 16-bit pattern is counted straight from the file's bytes, with no widening to float32 and
 * half the bytes through memory; the 65,536 counts then go to their float32 keys at once.
 */
import { f16ToF32 } from '../../numeric/floats';
import type { TensorEntry } from '../../tensor';
import { passWith } from './kernelStream';
import type { PassProgress } from './passes';

/**
 * Elements per read: 4 MB of 16-bit values. Counting touches each value once, so the chunk need not
 * stay in a cache; few reads make the per-read cost (a positional read, the file check) vanish.
 */
export const STORED_CHUNK_ELEMENTS = 1 << 21;
const PATTERNS = 1 << 16;

/** Each dtype's float32 bits of a 16-bit pattern, as readFloat32Into widens it. */
const WIDENED_BITS: Readonly<Record<string, (h: number) => number>> = {
  BF16: (h) => (h << 16) >>> 0,
  F16: (h) => {
    F32_SCRATCH[0] = f16ToF32(h);
    return U32_SCRATCH[0]!;
  },
};
const F32_SCRATCH = new Float32Array(1);
const U32_SCRATCH = new Uint32Array(F32_SCRATCH.buffer);

/** Pairs of values are read as one u32 word: the fast path needs the file's byte order. */
const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Whether the tensor's 16-bit values can be counted as stored. */
export function countsStored(entry: TensorEntry): boolean {
  return HOST_LITTLE_ENDIAN && entry.data.readStoredInto !== undefined && WIDENED_BITS[entry.dtype] !== undefined;
}

/**
 * One pass over the tensor: adds each value's count to table[float32 bits >>> keyShift]
 * (the keys valueCounts.ts uses), as counting the widened values would.
 */
export async function countStored(entry: TensorEntry, table: Uint32Array, keyShift: number, progress: PassProgress): Promise<void> {
  const read = entry.data.readStoredInto!;
  const widened = WIDENED_BITS[entry.dtype]!;
  const patterns = new Uint32Array(PATTERNS);
  const buffers = [new Uint32Array(STORED_CHUNK_ELEMENTS / 2), new Uint32Array(STORED_CHUNK_ELEMENTS / 2)] as const;
  await passWith(
    { from: 0, to: entry.numel }, buffers, STORED_CHUNK_ELEMENTS,
    (start, count, words) => read(start, count, new Uint8Array(words.buffer)),
    progress,
    (words, n) => countPatterns(words, n, patterns),
  );
  for (let h = 0; h < PATTERNS; h++) {
    const c = patterns[h]!;
    if (c !== 0) table[widened(h) >>> keyShift]! += c;
  }
}

/**
 * Counts the n 16-bit values held in words (two per word). A word of two values equal to the
 * current run's adds 2 to the run, kept in a register: an all-zero tensor never touches memory
 * but to load. A plain function: locals stay in registers.
 */
function countPatterns(words: Uint32Array, n: number, counts: Uint32Array): void {
  const pairs = n >>> 1;
  let key = 0;
  let run = 0;
  // The word that holds two values of `key`.
  let twice = 0;
  for (let i = 0; i < pairs; i++) {
    const w = words[i]!;
    if (w === twice) {
      run += 2;
      continue;
    }
    counts[key]! += run;
    const lo = w & 0xffff;
    const hi = w >>> 16;
    if (lo === hi) {
      run = 2;
    } else {
      counts[lo]!++;
      run = 1;
    }
    key = hi;
    twice = (hi * 0x10001) >>> 0;
  }
  counts[key]! += run;
  if ((n & 1) !== 0) counts[new Uint16Array(words.buffer, words.byteOffset, n)[n - 1]!]!++;
}
