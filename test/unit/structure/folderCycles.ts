import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** One import between two files, paths relative to the scanned root with '/' separators. */
export interface FileImport {
  readonly from: string;
  readonly to: string;
}

/** A loop between the children of one folder, each step with one import that makes it. */
export interface FolderCycle {
  readonly folder: string;
  readonly members: readonly string[];
  readonly example: readonly FileImport[];
}

/** Every relative import (type-only, re-exports and dynamic imports included) of the .ts files under root. */
export function scanImports(root: string): FileImport[] {
  const imports: FileImport[] = [];
  for (const file of tsFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolveModule(path.resolve(path.dirname(file), fileName));
      if (target) imports.push({ from: relative(root, file), to: relative(root, target) });
    }
  }
  return imports;
}

/**
 * Loops at folder level: within each folder, its direct children (each file, and each subfolder
 * standing for everything below it) form a graph through the imports between them; a cycle that
 * passes through a subfolder is a loop (core/dtypes <-> core/quant, or core/tensor.ts <->
 * core/dtypes). Cycles between plain files of one folder are a file-level matter, not reported.
 */
export function folderCycles(imports: readonly FileImport[]): FolderCycle[] {
  const graphs = new Map<string, Map<string, Map<string, FileImport>>>();
  for (const imp of imports) {
    const a = imp.from.split('/');
    const b = imp.to.split('/');
    let i = 0;
    while (i < a.length - 1 && i < b.length - 1 && a[i] === b[i]) i++;
    const nodeA = childNode(a, i);
    const nodeB = childNode(b, i);
    if (nodeA === nodeB) continue;
    const folder = a.slice(0, i).join('/');
    const graph = graphs.get(folder) ?? new Map<string, Map<string, FileImport>>();
    graphs.set(folder, graph);
    const edges = graph.get(nodeA) ?? new Map<string, FileImport>();
    graph.set(nodeA, edges);
    if (!edges.has(nodeB)) edges.set(nodeB, imp);
  }
  const cycles: FolderCycle[] = [];
  for (const [folder, graph] of graphs) {
    for (const members of stronglyConnected(graph)) {
      if (members.length < 2 || !members.some((m) => m.endsWith('/'))) continue;
      cycles.push({ folder, members: [...members].sort(), example: exampleLoop(graph, members) });
    }
  }
  return cycles;
}

export function describeCycle(c: FolderCycle): string {
  const where = c.folder === '' ? '.' : c.folder;
  return `${where}: ${c.members.join(' <-> ')} (${c.example.map((e) => `${e.from} -> ${e.to}`).join(', ')})`;
}

function childNode(parts: readonly string[], i: number): string {
  return i === parts.length - 1 ? parts[i]! : `${parts[i]!}/`;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return name.endsWith('.ts') ? [p] : [];
  });
}

function resolveModule(base: string): string | null {
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (candidate.endsWith('.ts') && existsSync(candidate)) return candidate;
  }
  return null;
}

function relative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/** Tarjan's strongly connected components. */
function stronglyConnected(graph: ReadonlyMap<string, ReadonlyMap<string, FileImport>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return components;
}

/** One closed walk through a folder member of the component, for the message. */
function exampleLoop(graph: ReadonlyMap<string, ReadonlyMap<string, FileImport>>, members: readonly string[]): FileImport[] {
  const inside = new Set(members);
  const start = members.find((m) => m.endsWith('/'))!;
  // Breadth-first from start back to start, inside the component.
  const previous = new Map<string, { node: string; via: FileImport }>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const [w, via] of graph.get(v) ?? []) {
      if (!inside.has(w) || previous.has(w)) continue;
      previous.set(w, { node: v, via });
      if (w === start) queue.length = 0;
      else queue.push(w);
    }
  }
  const walk: FileImport[] = [];
  let node = start;
  do {
    const step = previous.get(node)!;
    walk.unshift(step.via);
    node = step.node;
  } while (node !== start);
  return walk;
}
