import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../errors';
import { FILE_CLAIMS, SHARD_INDEX_FILES } from './claimTable';
import { isClaimedBy } from './fileClaim';
import { ONNX_FILES } from './onnx/files';
import { SAFETENSORS_FILES } from './safetensors/files';
import { TFJS_FILES, TFJS_MODEL_JSON } from './tfjs/files';

/**
 * What a folder stands for, first match wins: a shard index (safetensors before .bin), a tfjs
 * manifest (its .bin shards are not models on their own), the .safetensors files (Hugging Face
 * folders also ship the same weights as pytorch_model.bin), an ONNX model (files beside it are
 * its external data), else every file a reader claims.
 */
const FOLDER_CHOICES: readonly { what: string; matches: (name: string) => boolean; single: boolean }[] = [
  { what: 'safetensors shard index', matches: (n) => /\.safetensors\.index\.json$/i.test(n), single: true },
  { what: 'shard index', matches: (n) => isClaimedBy(SHARD_INDEX_FILES, n), single: true },
  { what: 'tfjs model.json', matches: (n) => n.toLowerCase() === TFJS_MODEL_JSON, single: true },
  { what: 'tfjs weights manifest', matches: (n) => isClaimedBy(TFJS_FILES, n), single: true },
  { what: 'safetensors files', matches: (n) => isClaimedBy(SAFETENSORS_FILES, n), single: false },
  { what: 'ONNX model', matches: (n) => isClaimedBy(ONNX_FILES, n), single: true },
  { what: 'weight files', matches: (n) => isClaimedBy(FILE_CLAIMS, n), single: false },
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
    // A loop, not push(...): a folder may hold more files than a call takes arguments.
    for (const file of stat.isDirectory() ? await expandFolder(p) : [p]) out.push(file);
  }
  return out;
}

async function expandFolder(folder: string): Promise<string[]> {
  const names = (await fs.readdir(folder)).sort();
  for (const choice of FOLDER_CHOICES) {
    const found = names.filter((n) => choice.matches(n));
    if (found.length === 0) continue;
    if (choice.single && found.length > 1) {
      throw new UsageError(`${folder}: holds several ${choice.what} files (${found.join(', ')}); name one`);
    }
    return found.map((n) => path.join(folder, n));
  }
  throw new UsageError(`${folder}: folder holds no weight files`);
}
