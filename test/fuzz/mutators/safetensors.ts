import { concatBytes, withFile, type FileSet } from '../fileSet';
import { INTERESTING_INTS } from './interesting';
import { jsonMutators, parseJsonTree, writeJsonTree, type JsonSlot } from './json';
import { pick, type MutationParams, type Mutator } from './mutator';

/** safetensors: u64 LE header length, JSON header, data. // safetensors README "Format" */
const LENGTH_BYTES = 8;
const DTYPES = ['F32', 'F16', 'BF16', 'F64', 'I8', 'U8', 'I16', 'U16', 'I32', 'U32', 'I64', 'U64', 'BOOL', 'F8_E4M3', 'F8_E5M2', 'C64', 'F4', '', 'f32'];
const SHAPES = ['[]', '[0]', '[1]', '[3,5]', '[2147483648]', '[9007199254740993]', '[-1]', '[1.5]', `[${Array(65).fill(1).join(',')}]`, '[67108864,134217728]', '"3"'];

interface Parts {
  readonly index: number;
  readonly header: string;
  readonly data: Uint8Array;
}

function safetensorsFiles(files: FileSet): number[] {
  return files.flatMap((f, i) => (f.name.endsWith('.safetensors') ? [i] : []));
}

function split(files: FileSet, p: MutationParams): Parts | undefined {
  const candidates = safetensorsFiles(files);
  if (candidates.length === 0) return undefined;
  const index = pick(candidates, p.c);
  const bytes = files[index]!.bytes;
  if (bytes.length < LENGTH_BYTES) return undefined;
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, LENGTH_BYTES).getBigUint64(0, true));
  if (LENGTH_BYTES + length > bytes.length) return undefined;
  return { index, header: new TextDecoder().decode(bytes.subarray(LENGTH_BYTES, LENGTH_BYTES + length)), data: bytes.subarray(LENGTH_BYTES + length) };
}

function join(header: string, data: Uint8Array, declaredLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(header);
  const prefix = new Uint8Array(LENGTH_BYTES);
  new DataView(prefix.buffer).setBigUint64(0, declaredLength ?? BigInt(json.length), true);
  return concatBytes([prefix, json, data]);
}

const headerSlot: JsonSlot = {
  read: (files, p) => split(files, p)?.header,
  write(files, p, text) {
    const parts = split(files, p);
    return parts && withFile(files, parts.index, join(text, parts.data));
  },
};

/** Sets one field of one tensor entry to a raw JSON text. */
function entryField(name: string, field: string, values: readonly string[]): Mutator {
  return {
    name,
    apply(files, p) {
      const parts = split(files, p);
      const root = parts && parseJsonTree(parts.header);
      if (!parts || !root || root.kind !== 'object') return undefined;
      const tensors = root.entries.filter(([k, v]) => k !== '__metadata__' && v.kind === 'object');
      if (tensors.length === 0) return undefined;
      const entry = pick(tensors, p.a)[1];
      if (entry.kind !== 'object') return undefined;
      const slot = entry.entries.find(([k]) => k === field);
      const value = { kind: 'raw' as const, text: pick(values, p.b) };
      if (slot) slot[1] = value;
      else entry.entries.push([field, value]);
      const header = writeJsonTree(root);
      return header === undefined ? undefined : withFile(files, parts.index, join(header, parts.data));
    },
  };
}

const offsetPairs = INTERESTING_INTS.slice(0, 24).flatMap((x) => [`[0,${x}]`, `[${x},${x}]`, `[${x},0]`]);

export const SAFETENSORS_MUTATORS: readonly Mutator[] = [
  ...jsonMutators('st-header', headerSlot),
  entryField('st-dtype', 'dtype', DTYPES.map((d) => JSON.stringify(d))),
  entryField('st-shape', 'shape', SHAPES),
  entryField('st-offsets', 'data_offsets', offsetPairs),
  {
    name: 'st-header-length',
    apply(files, p) {
      const parts = split(files, p);
      return parts && withFile(files, parts.index, join(parts.header, parts.data, BigInt.asUintN(64, pick(INTERESTING_INTS, p.b))));
    },
  },
  {
    name: 'st-resize-data',
    apply(files, p) {
      const parts = split(files, p);
      if (!parts) return undefined;
      const size = p.d % 2 === 0 ? parts.data.length - 1 - (p.b % 64) : parts.data.length + 1 + (p.b % 64);
      if (size < 0) return undefined;
      const data = new Uint8Array(size);
      data.set(parts.data.subarray(0, size));
      return withFile(files, parts.index, join(parts.header, data));
    },
  },
];
