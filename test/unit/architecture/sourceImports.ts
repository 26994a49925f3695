import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

export const REPO = path.resolve(__dirname, '..', '..', '..');

/** One import of one source file: the specifier as written and, when relative, the repo path it names. */
export interface SourceImport {
  file: string;
  specifier: string;
  target: string | undefined;
}

/** Every `.ts` file under a repo folder, as repo-relative paths with forward slashes. */
export function tsFilesUnder(folder: string): string[] {
  const entries = readdirSync(path.join(REPO, folder), { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => toRepoPath(path.join(e.parentPath, e.name)));
}

/** Static, dynamic and `require` imports and re-exports of a source text. */
export function importSpecifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** The imports of a repo file, relative ones resolved to repo paths (without extension). */
export function importsOf(file: string): SourceImport[] {
  const text = readFileSync(path.join(REPO, file), 'utf8');
  return importSpecifiers(text).map((specifier) => ({
    file,
    specifier,
    target: specifier.startsWith('.') ? toRepoPath(path.resolve(path.dirname(path.join(REPO, file)), specifier)) : undefined,
  }));
}

/** True when a repo path is the folder or lies inside it. */
export function isInside(repoPath: string, folder: string): boolean {
  return repoPath === folder || repoPath.startsWith(folder + '/');
}

function toRepoPath(absolute: string): string {
  return path.relative(REPO, absolute).split(path.sep).join('/');
}
