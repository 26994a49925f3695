import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FormatError, UsageError } from '../errors';
import { FileByteSource, type ByteSource } from '../io/byteSource';
import type { Model } from '../tensor';
import { SNIFF_BYTES, type FormatReader, type OpenContext } from './reader';

/** Every reader, tried in order; the first whose sniff accepts the first file opens the model. */
export const READERS: readonly FormatReader[] = [];

/** Opens one model from one or more paths (shards, an index, a folder of shards). */
export async function openModel(paths: readonly string[]): Promise<Model> {
  if (paths.length === 0) throw new UsageError('no file given');
  const files = await expandFolders(paths);
  const first = files[0]!;
  const opened: ByteSource[] = [];
  const ctx: OpenContext = {
    paths: files,
    async openSource(p) {
      try {
        const src = await FileByteSource.open(p);
        opened.push(src);
        return src;
      } catch (e) {
        throw new FormatError('file', `cannot open ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    },
  };
  try {
    const src = await ctx.openSource(first);
    if (src.size === 0) throw new FormatError('file', 'empty file (0 bytes)', 0);
    const head = await src.read(0, Math.min(SNIFF_BYTES, src.size), 'file');
    const reader = READERS.find((r) => r.sniff(head, first));
    if (!reader) throw new FormatError('file', 'unrecognised format (not safetensors, GGUF, ONNX, PyTorch, NumPy or tfjs)', 0);
    const model = await reader.open(ctx);
    return { ...model, close: async () => { await model.close(); await closeAll(opened); } };
  } catch (e) {
    await closeAll(opened);
    throw e;
  }
}

async function closeAll(sources: ByteSource[]): Promise<void> {
  await Promise.all(sources.splice(0).map((s) => s.close().catch(() => undefined)));
}

/** A folder stands for the weight files directly inside it, sorted by name. */
async function expandFolders(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let stat;
    try {
      stat = await fs.stat(p);
    } catch {
      throw new UsageError(`${p}: no such file`);
    }
    if (!stat.isDirectory()) {
      out.push(p);
      continue;
    }
    const names = (await fs.readdir(p)).filter((n) => WEIGHT_FILE.test(n)).sort();
    if (names.length === 0) throw new UsageError(`${p}: folder holds no weight files`);
    out.push(...names.map((n) => path.join(p, n)));
  }
  return out;
}

/** Names a folder expands to; an index file, when present, is preferred by the reader. */
const WEIGHT_FILE = /\.(safetensors|gguf|onnx|npz|npy|pt|pth|bin)$|index\.json$|weights_manifest\.json$|^model\.json$/;
