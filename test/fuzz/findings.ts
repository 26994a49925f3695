import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FileSet } from './fileSet';
import type { Finding } from './outcome';

/** Where findings are saved (not committed: each one becomes a regression test under test/unit/). */
export const FINDINGS_DIR = path.join(__dirname, 'findings');

export interface SavedFinding {
  readonly target: string;
  readonly signature: string;
  readonly outcome: Finding;
  /** File names in order; the first is the one the user names. */
  readonly files: readonly string[];
  /** How fast-check built it: corpus entry and mutations, before byte minimization. */
  readonly recipe: string;
}

export function findingFolder(target: string, signature: string): string {
  return path.join(FINDINGS_DIR, `${target}-${createHash('sha256').update(signature).digest('hex').slice(0, 10)}`);
}

export function saveFinding(folder: string, finding: SavedFinding, files: FileSet): void {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const f of files) writeFileSync(path.join(folder, path.basename(f.name)), f.bytes);
  writeFileSync(path.join(folder, 'finding.json'), `${JSON.stringify(finding, null, 1)}\n`);
}

export function loadFinding(folder: string): { finding: SavedFinding; files: FileSet } {
  const finding = JSON.parse(readFileSync(path.join(folder, 'finding.json'), 'utf8')) as SavedFinding;
  return { finding, files: finding.files.map((name) => ({ name, bytes: new Uint8Array(readFileSync(path.join(folder, name))) })) };
}
