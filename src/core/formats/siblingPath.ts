import * as path from 'node:path';
import { FormatError } from '../errors';
import { jsonSnippet } from './jsonText';

/** PATH_MAX: a longer name is no file name (and splitting it must not make a call with a million arguments). */
export const MAX_SIBLING_NAME = 4096;

/**
 * Resolves a file name found inside a file (shard, weight path) against that file's folder,
 * refusing names that reach outside it: a file from a stranger must not make us read
 * /etc/passwd or ../../secrets. Symlinks inside the folder are followed (the Hugging Face
 * cache links shards to blobs elsewhere), so this guards names, not the file system.
 */
export function siblingPath(referrer: string, name: unknown, format: string, what: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new FormatError(format, `${what}: file name ${jsonSnippet(name)} is not a non-empty string`);
  if (name.length > MAX_SIBLING_NAME) throw new FormatError(format, `${what}: file name of ${name.length} characters exceeds the limit of ${MAX_SIBLING_NAME}`);
  if (name.includes('\0')) throw new FormatError(format, `${what}: file name contains a NUL byte`);
  const parts = name.split(/[\\/]/);
  if (path.isAbsolute(name) || path.win32.isAbsolute(name) || parts.includes('..')) {
    throw new FormatError(format, `${what}: file name '${name}' points outside the folder of ${path.basename(referrer)}; refused`);
  }
  const folder = path.dirname(referrer);
  const resolved = path.join(folder, ...parts);
  const rel = path.relative(folder, resolved);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new FormatError(format, `${what}: file name '${name}' does not name a file inside the folder of ${path.basename(referrer)}`);
  }
  return resolved;
}
