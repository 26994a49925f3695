import type { RunKind } from './execute';
import { withFile, type FileSet } from './fileSet';
import { BYTE_EDITS, BYTE_MUTATORS } from './mutators/bytes';
import { GGUF_MUTATORS } from './mutators/gguf';
import { jsonFileSlot, jsonMutators } from './mutators/json';
import { MAX_MUTATED_FILE_BYTES, pick, type MutationParams, type Mutator } from './mutators/mutator';
import { NPY_EDITS } from './mutators/npy';
import { PICKLE_EDITS } from './mutators/pickle';
import { protobufMutators } from './mutators/protobuf';
import { SAFETENSORS_MUTATORS } from './mutators/safetensors';
import { zipMutators } from './mutators/zip';

/** One thing the fuzzer attacks: a reader (or the registry, or the unpickler) with its seeds and mutators. */
export interface Target {
  readonly name: string;
  readonly kind: RunKind;
  /** In a multi-file seed, the file the user names. */
  readonly isMain: (name: string) => boolean;
  readonly mutators: readonly Mutator[];
}

type Edit = (bytes: Uint8Array, p: MutationParams) => Uint8Array | undefined;

/** Content edits as mutators of the first file of the set. */
function mainFileMutators(edits: readonly { name: string; edit: Edit }[]): Mutator[] {
  return edits.map(({ name, edit }) => ({
    name,
    apply(files: FileSet, p) {
      const out = edit(files[0]!.bytes, p);
      return out && out.length <= MAX_MUTATED_FILE_BYTES ? withFile(files, 0, out) : undefined;
    },
  }));
}

/** Shards appear and disappear: a manifest naming a missing file, a folder with an extra one. */
const dropOrAddFile: Mutator = {
  name: 'drop-or-add-file',
  apply(files, p) {
    if (p.d % 2 === 0) return files.length < 2 ? undefined : files.filter((_, i) => i === 0 || i !== 1 + (p.a % (files.length - 1)));
    const donor = pick(files, p.a);
    return [...files, { name: `extra${p.b % 4}-${donor.name}`, bytes: donor.bytes }];
  },
};

const pickleEdits = PICKLE_EDITS.map((e) => e.edit);
const isJson = (name: string) => name.endsWith('.json');

export const TARGETS: readonly Target[] = [
  { name: 'safetensors', kind: 'reader', isMain: (n) => n.endsWith('.safetensors'), mutators: [...SAFETENSORS_MUTATORS, ...BYTE_MUTATORS] },
  {
    name: 'safetensors-shards',
    kind: 'registry',
    isMain: (n) => n.endsWith('.index.json'),
    mutators: [...SAFETENSORS_MUTATORS, ...jsonMutators('index', jsonFileSlot(isJson)), dropOrAddFile, ...BYTE_MUTATORS],
  },
  { name: 'gguf', kind: 'reader', isMain: (n) => n.endsWith('.gguf'), mutators: [...GGUF_MUTATORS, ...BYTE_MUTATORS] },
  { name: 'onnx', kind: 'reader', isMain: (n) => n.endsWith('.onnx'), mutators: [...protobufMutators('onnx', true), dropOrAddFile, ...BYTE_MUTATORS] },
  {
    name: 'pytorch',
    kind: 'reader',
    isMain: (n) => n.endsWith('.pt'),
    mutators: [...zipMutators('zip', (name) => (name.endsWith('.pkl') ? [...pickleEdits, ...pickleEdits, ...BYTE_EDITS] : BYTE_EDITS)), ...BYTE_MUTATORS],
  },
  { name: 'pytorch-legacy', kind: 'reader', isMain: (n) => n.endsWith('.pt'), mutators: [...mainFileMutators(PICKLE_EDITS), ...BYTE_MUTATORS] },
  { name: 'npy', kind: 'reader', isMain: (n) => n.endsWith('.npy'), mutators: [...mainFileMutators(NPY_EDITS), ...BYTE_MUTATORS] },
  {
    name: 'npz',
    kind: 'reader',
    isMain: (n) => n.endsWith('.npz'),
    mutators: [...zipMutators('zip', (name) => (name.endsWith('.npy') ? [...NPY_EDITS.map((e) => e.edit), ...BYTE_EDITS] : BYTE_EDITS)), ...BYTE_MUTATORS],
  },
  { name: 'tfjs', kind: 'reader', isMain: isJson, mutators: [...jsonMutators('manifest', jsonFileSlot(isJson)), dropOrAddFile, ...BYTE_MUTATORS] },
  // The storage decoders of compare: the safetensors and ONNX files they read, mutated as those readers' inputs.
  { name: 'storages-safetensors', kind: 'decoded', isMain: (n) => n.endsWith('.safetensors'), mutators: [...SAFETENSORS_MUTATORS, ...BYTE_MUTATORS] },
  { name: 'storages-onnx', kind: 'decoded', isMain: (n) => n.endsWith('.onnx'), mutators: [...protobufMutators('onnx', true), ...BYTE_MUTATORS] },
  { name: 'pickle', kind: 'pickle', isMain: (n) => n.endsWith('.pkl'), mutators: [...mainFileMutators(PICKLE_EDITS), ...BYTE_MUTATORS] },
];
