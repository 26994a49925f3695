import * as path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { inspectJson, inspectText } from '../../src/cli/commands/inspect';
import { decodeStorages } from '../../src/core/decode/decodedModel';
import { FormatError, UsageError } from '../../src/core/errors';
import { openModel, READERS } from '../../src/core/formats/index';
import type { ModelFiles } from '../../src/core/formats/registry';
import { parseStoragePid, TorchStorage, torchResolver } from '../../src/core/formats/pytorch/pickle';
import { torchContents } from '../../src/core/formats/pytorch/entries';
import { SNIFF_BYTES, type OpenContext } from '../../src/core/formats/reader';
import { MemoryByteSource, type ByteSource } from '../../src/core/io/byteSource';
import { unpickle } from '../../src/core/pickle/unpickler';
import type { Model } from '../../src/core/tensor';
import { largestFile, totalBytes, type FileSet } from './fileSet';
import type { Outcome } from './outcome';
import { projectFrames } from './workerStacks';

/**
 * How a target runs one input, always from memory: `reader` sniffs and opens it as the registry
 * would, `registry` opens it with openModel as files of a folder (shard indexes), `decoded` opens
 * it so and decodes its quantized storages as compare does (GPTQ, QDQ, ...), `pickle` unpickles it
 * with torch's allow-list and names its tensors. `spin` is for the sandbox's own test: it reads
 * nothing, keeps its thread busy for as many ms as the second byte says when the first is 2, and
 * never ends when the first is 1 (a hang no timer of its thread can stop).
 */
export type RunKind = 'reader' | 'registry' | 'decoded' | 'pickle' | 'spin';

/** Memory an input may grow the heap by: a fixed allowance plus a multiple of its size (a reader holds a header, never a payload). */
export const MEMORY_BASE_BYTES = 64 * 1024 * 1024;
export const MEMORY_PER_INPUT_BYTE = 256;
/** Tensors whose payload is read after open, and elements read at each end: enough to run every decoder. */
const TENSORS_READ = 16;
const ELEMENTS_READ = 1024;
/** Bytes a storage of the pickle target holds: the storages themselves are not in a pickle. */
const PICKLE_STORAGE_BYTES = 64 * 1024;

/** Peak heap growth, sampled at every read a reader makes and at the end. */
class Meter {
  private readonly baseline = Meter.now();
  private peak = 0;

  static now(): number {
    const h = getHeapStatistics();
    return h.used_heap_size + h.external_memory;
  }

  sample(): void {
    this.peak = Math.max(this.peak, Meter.now() - this.baseline);
  }

  get grew(): number {
    this.sample();
    return this.peak;
  }
}

/** A memory source that samples the meter on every read. */
class MeteredSource extends MemoryByteSource {
  constructor(name: string, bytes: Uint8Array, private readonly meter: Meter) {
    super(name, bytes);
  }

  override read(offset: number, length: number, format: string): Promise<Uint8Array> {
    this.meter.sample();
    return super.read(offset, length, format);
  }
}

/** Runs one input. */
export async function execute(kind: RunKind, files: FileSet): Promise<Outcome> {
  const meter = new Meter();
  let outcome: Outcome;
  try {
    outcome = kind === 'spin' ? spin(files)
      : kind === 'pickle' ? await runPickle(files, meter)
      : kind === 'registry' ? await runRegistry(files, meter)
      : kind === 'decoded' ? await runDecoded(files, meter)
      : await runReader(files, meter);
  } catch (e) {
    outcome = classify(e, kind, files);
  }
  const limit = MEMORY_BASE_BYTES + MEMORY_PER_INPUT_BYTE * totalBytes(files);
  const grew = meter.grew;
  return grew > limit ? { kind: 'memory', grewBytes: grew, limitBytes: limit } : outcome;
}

function classify(e: unknown, kind: RunKind, files: FileSet): Outcome {
  const refusal = e instanceof FormatError || (kind !== 'reader' && kind !== 'pickle' && e instanceof UsageError);
  if (!refusal) {
    const error = e instanceof Error ? e.constructor.name : typeof e;
    const message = e instanceof Error ? e.message : String(e);
    return { kind: 'crash', error, message: message.slice(0, 500), frames: sourceFrames(e) };
  }
  const offset = e instanceof FormatError ? e.offset : undefined;
  const largest = largestFile(files);
  if (offset !== undefined && !(Number.isSafeInteger(offset) && offset >= 0 && offset <= largest)) {
    return { kind: 'bad-offset', message: e.message, offset, largestFile: largest };
  }
  return { kind: 'refused', error: e.name, message: e.message, ...(offset === undefined ? {} : { offset }) };
}

/** The project frames of an error's stack. */
function sourceFrames(e: unknown): string[] {
  const stack = e instanceof Error ? (e.stack ?? '') : '';
  const frames = stack.split('\n').flatMap((line) => {
    const m = /^\s*at (?:async )?(?:(\S+) \()?(.*?):\d+:\d+\)?$/.exec(line);
    return m ? [{ functionName: m[1] ?? '', file: m[2]! }] : [];
  });
  return projectFrames(frames);
}

async function runReader(files: FileSet, meter: Meter): Promise<Outcome> {
  const main = files[0]!;
  const head = main.bytes.subarray(0, SNIFF_BYTES);
  const reader = READERS.find((r) => r.sniff(head, main.name));
  if (main.bytes.length === 0 || !reader) return { kind: 'refused', error: 'FormatError', message: 'unrecognised format' };
  const ctx: OpenContext = {
    paths: [main.name],
    async openSource(p) {
      const file = files.find((f) => f.name === p || path.basename(f.name) === path.basename(p));
      if (!file) throw new FormatError('file', `cannot open ${path.basename(p)}: ENOENT`);
      return new MeteredSource(p, file.bytes, meter);
    },
  };
  return exercise(await reader.open(ctx));
}

/** The folder the files of an input seem to be in; nothing is ever written there. */
const FOLDER = path.resolve('/quantlens-fuzz');

/** The input's files as a folder held in memory: what openModel and the decoders read instead of the disk. */
class MemoryFolder implements ModelFiles {
  private readonly byPath: ReadonlyMap<string, Uint8Array>;

  constructor(files: FileSet, private readonly meter: Meter) {
    this.byPath = new Map(files.map((f) => [path.join(FOLDER, path.basename(f.name)), f.bytes]));
  }

  /** The path the user names: the first file. */
  static mainPath(files: FileSet): string {
    return path.join(FOLDER, path.basename(files[0]!.name));
  }

  async expand(paths: readonly string[]): Promise<string[]> {
    return paths.slice();
  }

  async open(file: string): Promise<ByteSource> {
    return new MeteredSource(file, this.bytesOf(file), this.meter);
  }

  async readFile(file: string): Promise<Uint8Array> {
    return this.bytesOf(file);
  }

  private bytesOf(file: string): Uint8Array {
    const bytes = this.byPath.get(path.resolve(file));
    if (!bytes) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
    return bytes;
  }
}

async function runRegistry(files: FileSet, meter: Meter): Promise<Outcome> {
  return exercise(await openModel([MemoryFolder.mainPath(files)], new MemoryFolder(files, meter)));
}

async function runDecoded(files: FileSet, meter: Meter): Promise<Outcome> {
  const folder = new MemoryFolder(files, meter);
  const model = await openModel([MemoryFolder.mainPath(files)], folder);
  let decoded: Model;
  try {
    decoded = (await decodeStorages(model, (file) => folder.readFile(file))).model;
  } catch (e) {
    await model.close();
    throw e;
  }
  return exercise(decoded);
}

function spin(files: FileSet): Outcome {
  const bytes = files[0]!.bytes;
  const until = bytes[0] === 2 ? Date.now() + bytes[1]! : 0;
  while (bytes[0] === 1 || Date.now() < until) {
    // busy: a synchronous loop, which only terminating the worker ends
  }
  return { kind: 'opened', tensors: bytes.length, dtypes: '' };
}

async function runPickle(files: FileSet, meter: Meter): Promise<Outcome> {
  const { value } = unpickle(files[0]!.bytes, {
    format: 'pytorch',
    resolveGlobal: torchResolver(),
    persistentLoad: (pid) => {
      const { type, key, numel } = parseStoragePid(pid);
      return new TorchStorage(key, type, numel);
    },
  });
  meter.sample();
  const storage: ByteSource = new MeteredSource('storage', new Uint8Array(PICKLE_STORAGE_BYTES), meter);
  const contents = await torchContents(value, async () => ({ source: storage, offset: 0, byteLength: storage.size, littleEndian: true }), files[0]!.name);
  return exercise({ file: files[0]!.name, format: 'pytorch', metadata: contents.metadata, tensors: contents.tensors, sizeOnDisk: files[0]!.bytes.length, close: async () => undefined });
}

/** What a user does next with an opened model: list it (text and JSON) and read payloads at both ends. */
async function exercise(model: Model): Promise<Outcome> {
  try {
    inspectText(model);
    JSON.stringify(inspectJson(model));
    for (const t of model.tensors.slice(0, TENSORS_READ)) {
      const block = Math.max(1, t.data.blockSize);
      const count = Math.min(t.numel, Math.max(block, Math.floor(ELEMENTS_READ / block) * block));
      if (count > 0) await t.data.read(0, count);
      const tail = Math.floor(Math.max(0, t.numel - count) / block) * block;
      if (tail > 0) await t.data.read(tail, Math.min(count, t.numel - tail));
    }
    const dtypes = [...new Set(model.tensors.map((t) => t.dtype))].sort().join(',');
    return { kind: 'opened', tensors: model.tensors.length, dtypes };
  } finally {
    await model.close();
  }
}
