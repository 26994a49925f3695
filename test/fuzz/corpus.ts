import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { FileSet } from './fileSet';

/** The kept seed corpus: one folder per target; a file there is a seed, a folder a multi-file seed. */
export const CORPUS_DIR = path.join(__dirname, 'corpus');

export interface Seed {
  readonly label: string;
  readonly files: FileSet;
}

/** The seeds of `target`; in a multi-file seed the file the user names (`isMain`) comes first. Plain copies, not Buffers: Buffer#slice shares memory, so an edit would change the seed. */
export function loadSeeds(target: string, isMain: (name: string) => boolean): Seed[] {
  const folder = path.join(CORPUS_DIR, target);
  return readdirSync(folder).sort().map((entry) => {
    const full = path.join(folder, entry);
    if (!statSync(full).isDirectory()) return { label: entry, files: [{ name: entry, bytes: new Uint8Array(readFileSync(full)) }] };
    const names = readdirSync(full).sort();
    const main = names.find(isMain);
    if (main === undefined) throw new Error(`seed ${target}/${entry} has no main file`);
    const ordered = [main, ...names.filter((n) => n !== main)];
    return { label: entry, files: ordered.map((n) => ({ name: n, bytes: new Uint8Array(readFileSync(path.join(full, n))) })) };
  });
}
