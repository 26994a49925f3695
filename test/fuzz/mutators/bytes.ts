import { concatBytes, withFile, type FileSet } from '../fileSet';
import { INTERESTING_INTS, INTERESTING_U8, seededBytes } from './interesting';
import { MAX_MUTATED_FILE_BYTES, pick, type MutationParams, type Mutator } from './mutator';

/** Byte-level edits of one file of the set, the kind random mutation fuzzers make. */
type Edit = (bytes: Uint8Array, p: MutationParams, donor: Uint8Array | undefined) => Uint8Array | undefined;

const flipBit: Edit = (bytes, p) => {
  if (bytes.length === 0) return undefined;
  const out = bytes.slice();
  out[p.a % out.length]! ^= 1 << (p.b % 8);
  return out;
};

const setByte: Edit = (bytes, p) => {
  if (bytes.length === 0) return undefined;
  const out = bytes.slice();
  out[p.a % out.length] = pick(INTERESTING_U8, p.b);
  return out;
};

/** An interesting integer written over 2, 4 or 8 bytes, little- or big-endian. */
const setInteger: Edit = (bytes, p) => {
  const width = pick([2, 4, 8], p.d);
  if (bytes.length < width) return undefined;
  const out = bytes.slice();
  const at = p.a % (out.length - width + 1);
  let v = BigInt.asUintN(width * 8, pick(INTERESTING_INTS, p.b));
  const bigEndian = (p.d >> 2) % 2 === 1;
  for (let i = 0; i < width; i++) {
    out[bigEndian ? at + width - 1 - i : at + i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
};

const deleteRange: Edit = (bytes, p) => {
  if (bytes.length === 0) return undefined;
  const at = p.a % bytes.length;
  const length = 1 + (p.b % Math.min(256, bytes.length - at));
  return concatBytes([bytes.subarray(0, at), bytes.subarray(at + length)]);
};

const insertBytes: Edit = (bytes, p) => {
  const at = p.a % (bytes.length + 1);
  const length = 1 + (p.b % 64);
  return concatBytes([bytes.subarray(0, at), seededBytes(p.d, length), bytes.subarray(at)]);
};

/** A range repeated: amplifies counts of whatever the range holds. */
const duplicateRange: Edit = (bytes, p) => {
  if (bytes.length === 0) return undefined;
  const at = p.a % bytes.length;
  const length = 1 + (p.b % Math.min(64, bytes.length - at));
  const times = 1 + (p.d % 16);
  const copy = bytes.subarray(at, at + length);
  return concatBytes([bytes.subarray(0, at + length), ...Array<Uint8Array>(times).fill(copy), bytes.subarray(at + length)]);
};

const truncate: Edit = (bytes, p) => (bytes.length === 0 ? undefined : bytes.slice(0, p.a % bytes.length));

const copyWithin: Edit = (bytes, p) => {
  if (bytes.length < 2) return undefined;
  const from = p.a % bytes.length;
  const to = p.b % bytes.length;
  const length = 1 + (p.d % Math.min(64, bytes.length - Math.max(from, to)));
  const out = bytes.slice();
  out.copyWithin(to, from, from + length);
  return out;
};

/** The head of this file joined to the tail of another input's file. */
const splice: Edit = (bytes, p, donor) => {
  if (!donor || donor.length === 0) return undefined;
  const at = p.a % (bytes.length + 1);
  const from = p.b % donor.length;
  return concatBytes([bytes.subarray(0, at), donor.subarray(from)]);
};

function byteMutator(name: string, edit: Edit): Mutator {
  return {
    name,
    apply(files: FileSet, p, ctx) {
      const index = p.c % files.length;
      const donorSet = ctx.donors.length > 0 ? pick(ctx.donors, p.d) : undefined;
      const donor = donorSet?.[index % donorSet.length]?.bytes;
      const out = edit(files[index]!.bytes, p, donor);
      if (!out || out.length > MAX_MUTATED_FILE_BYTES) return undefined;
      return withFile(files, index, out);
    },
  };
}

/** Byte edits of a member's content (inside a zip), where there is no donor to splice from. */
export const BYTE_EDITS: readonly ((bytes: Uint8Array, p: MutationParams) => Uint8Array | undefined)[] = [
  flipBit, setByte, setInteger, deleteRange, insertBytes, duplicateRange, truncate, copyWithin,
].map((edit) => (bytes: Uint8Array, p: MutationParams) => edit(bytes, p, undefined));

/** Every byte-level mutator; each target adds its structure-aware ones. */
export const BYTE_MUTATORS: readonly Mutator[] = [
  byteMutator('flip-bit', flipBit),
  byteMutator('set-byte', setByte),
  byteMutator('set-integer', setInteger),
  byteMutator('delete-range', deleteRange),
  byteMutator('insert-bytes', insertBytes),
  byteMutator('duplicate-range', duplicateRange),
  byteMutator('truncate', truncate),
  byteMutator('copy-within', copyWithin),
  byteMutator('splice', splice),
];
