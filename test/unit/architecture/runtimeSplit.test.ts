import * as assert from 'node:assert/strict';
import { importCycles, importSpecifiers, importsOf, isInside, tsFilesUnder, type SourceImport } from './sourceImports';

/** The shipped code: what the bundles are built from. */
const PRODUCT_FOLDERS = ['src', 'webview'];

const WORKER_THREADS = new Set(['worker_threads', 'node:worker_threads']);

function allImports(): SourceImport[] {
  return PRODUCT_FOLDERS.flatMap(tsFilesUnder).flatMap(importsOf);
}

function describeImports(found: SourceImport[]): string {
  return found.map((i) => `${i.file} imports '${i.specifier}'`).join('\n');
}

describe('runtime split (imports)', () => {
  const imports = allImports();

  it('the scanner sees static, type-only, dynamic and require imports and re-exports', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      "export * from './c';",
      "const d = await import('./d');",
      "const e = require('e');",
    ].join('\n');
    assert.deepEqual(importSpecifiers(text).sort(), ['../b', './a', './c', './d', 'e']);
    assert.ok(imports.length > 100, `only ${imports.length} imports found under ${PRODUCT_FOLDERS.join(', ')}`);
  });

  it('nothing outside src/cli imports from src/cli', () => {
    const found = imports.filter((i) => !isInside(i.file, 'src/cli') && i.target !== undefined && isInside(i.target, 'src/cli'));
    assert.equal(describeImports(found), '');
  });

  it('only src/extension imports vscode', () => {
    const found = imports.filter((i) => i.specifier === 'vscode' && !isInside(i.file, 'src/extension'));
    assert.equal(describeImports(found), '');
  });

  it('only src/worker imports worker_threads', () => {
    const found = imports.filter((i) => WORKER_THREADS.has(i.specifier) && !isInside(i.file, 'src/worker'));
    assert.equal(describeImports(found), '');
  });

  it('the worker thread side is loaded by path only: nothing outside src/worker/thread imports it', () => {
    const found = imports.filter((i) => !isInside(i.file, 'src/worker/thread') && i.target !== undefined && isInside(i.target, 'src/worker/thread'));
    assert.equal(describeImports(found), '');
  });

  it('the worker thread side never imports the host side', () => {
    const found = imports.filter((i) => isInside(i.file, 'src/worker/thread') && i.target !== undefined && isInside(i.target, 'src/worker/host'));
    assert.equal(describeImports(found), '');
  });

  it('the webview imports only its own files and src/shared', () => {
    const found = imports.filter(
      (i) => isInside(i.file, 'webview') && i.target !== undefined && !isInside(i.target, 'webview') && !isInside(i.target, 'src/shared'),
    );
    assert.equal(describeImports(found), '');
  });

  it('the cycle finder finds a loop of imports', () => {
    assert.deepEqual(importCycles(tsFilesUnder('test/unit/architecture/cycleSample')), [
      ['test/unit/architecture/cycleSample/a.ts', 'test/unit/architecture/cycleSample/b.ts'],
    ]);
  });

  it('no two files of the extension, the worker or the shared types import each other, even through others', () => {
    const cycles = importCycles(['src/extension', 'src/worker', 'src/shared'].flatMap(tsFilesUnder));
    assert.equal(cycles.map((c) => c.join(' <-> ')).join('\n'), '');
  });
});
