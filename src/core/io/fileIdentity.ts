import { promises as fs, type Stats } from 'node:fs';
import { FormatError } from '../errors';

/** The one line a job ends with when a file it reads is rewritten, truncated or replaced under it. */
export const FILE_CHANGED = 'the file changed on disk';

/** What tells one version of a file from another: the inode, the size and the modification time (ns clocks). */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

export function identityOf(stats: Stats): FileIdentity {
  return { dev: stats.dev, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** The identity `path` names now, or null when it is gone. */
export async function currentIdentity(path: string): Promise<FileIdentity | null> {
  return fs.stat(path).then(identityOf, () => null);
}

export function fileChangedError(path: string, offset?: number): FormatError {
  return new FormatError('file', FILE_CHANGED, offset, path);
}

export function isFileChanged(e: unknown): boolean {
  return e instanceof Error && e.message === FILE_CHANGED;
}

/**
 * One string for the versions of `paths` as they are now (a missing path included), so two
 * moments can be compared: what a job pins at its start and what each of its requests finds.
 */
export async function versionOf(paths: readonly string[]): Promise<string> {
  const ids = await Promise.all(paths.map(currentIdentity));
  return ids.map((id) => (id ? `${id.dev}:${id.ino}:${id.size}:${id.mtimeMs}` : 'missing')).join('|');
}
