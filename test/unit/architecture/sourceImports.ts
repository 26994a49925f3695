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

/** The repo file a resolved import target names, among `files` (a module file or a folder's index.ts). */
function fileOf(target: string, files: ReadonlySet<string>): string | undefined {
  return [`${target}.ts`, `${target}/index.ts`, target].find((f) => files.has(f));
}

/** Groups of files among `files` that import each other in a loop (strongly connected, Tarjan). */
export function importCycles(files: readonly string[]): string[][] {
  const known = new Set(files);
  const edges = new Map(files.map((f) => [f, importsOf(f).flatMap((i) => {
    const file = i.target === undefined ? undefined : fileOf(i.target, known);
    return file === undefined ? [] : [file];
  })]));
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    order.set(v, order.size);
    low.set(v, order.get(v)!);
    stack.push(v);
    for (const w of edges.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) {
        low.set(v, Math.min(low.get(v)!, order.get(w)!));
      }
    }
    if (low.get(v) !== order.get(v)) return;
    const group = stack.splice(stack.indexOf(v));
    if (group.length > 1 || (edges.get(v) ?? []).includes(v)) cycles.push(group.sort());
  };
  for (const f of files) if (!order.has(f)) visit(f);
  return cycles;
}
