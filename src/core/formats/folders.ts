import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../errors';

/**
 * What a folder stands for, first match wins: a shard index (safetensors before .bin), a tfjs
 * manifest (its .bin shards are not models on their own), the .safetensors files (Hugging Face
 * folders also ship the same weights as pytorch_model.bin), an ONNX model (files beside it are
 * its external data), else every weight file.
 */
const FOLDER_CHOICES: readonly { what: string; pattern: RegExp; single: boolean }[] = [
  { what: 'safetensors shard index', pattern: /\.safetensors\.index\.json$/i, single: true },
  { what: 'shard index', pattern: /\.index\.json$/i, single: true },
  { what: 'tfjs model.json', pattern: /^model\.json$/i, single: true },
  { what: 'tfjs weights manifest', pattern: /weights_manifest\.json$/i, single: true },
  { what: 'safetensors files', pattern: /\.safetensors$/i, single: false },
  { what: 'ONNX model', pattern: /\.onnx$/i, single: true },
  { what: 'weight files', pattern: /\.(gguf|onnx|npz|npy|pt|pth|bin|ckpt)$/i, single: false },
];

/** The paths the user named, with each folder replaced by the files it stands for. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let stat;
    try {
      stat = await fs.stat(p);
    } catch {
      throw new UsageError(`${p}: no such file`);
    }
    out.push(...(stat.isDirectory() ? await expandFolder(p) : [p]));
  }
  return out;
}

async function expandFolder(folder: string): Promise<string[]> {
  const names = (await fs.readdir(folder)).sort();
  for (const choice of FOLDER_CHOICES) {
    const found = names.filter((n) => choice.pattern.test(n));
    if (found.length === 0) continue;
    if (choice.single && found.length > 1) {
      throw new UsageError(`${folder}: holds several ${choice.what} files (${found.join(', ')}); name one`);
    }
    return found.map((n) => path.join(folder, n));
  }
  throw new UsageError(`${folder}: folder holds no weight files`);
}
