import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describeCycle, folderCycles, scanImports, type FileImport } from './folderCycles';

const SRC = path.join(__dirname, '../../../src');

const imports = (...pairs: [string, string][]): FileImport[] => pairs.map(([from, to]) => ({ from, to }));

describe('folder-level import cycles', () => {
  it('finds a loop between two sibling folders, through any depth below them', () => {
    const cycles = folderCycles(imports(
      ['core/dtypes/contiguous.ts', 'core/quant/ggml/index.ts'],
      ['core/quant/ggml/table.ts', 'core/dtypes/dtype.ts'],
    ));
    assert.deepEqual(cycles.map((c) => [c.folder, c.members]), [['core', ['dtypes/', 'quant/']]]);
    assert.match(describeCycle(cycles[0]!), /core: dtypes\/ <-> quant\/ \(core\/.* -> core\/.*, core\/.* -> core\/.*\)/);
  });

  it('finds a loop between a file of a folder and one of its subfolders', () => {
    const cycles = folderCycles(imports(['core/tensor.ts', 'core/dtypes/dtype.ts'], ['core/dtypes/contiguous.ts', 'core/tensor.ts']));
    assert.deepEqual(cycles.map((c) => [c.folder, c.members]), [['core', ['dtypes/', 'tensor.ts']]]);
  });

  it('finds a loop of three, and not layered imports or file-level cycles', () => {
    assert.equal(folderCycles(imports(['a/x.ts', 'b/y.ts'], ['b/y.ts', 'c/z.ts'], ['c/z.ts', 'a/w.ts'])).length, 1);
    assert.deepEqual(folderCycles(imports(
      ['cli/main.ts', 'cli/commands/analyze.ts'],
      ['cli/commands/analyze.ts', 'cli/args.ts'],
      ['shared/a.ts', 'shared/b.ts'],
      ['shared/b.ts', 'shared/a.ts'],
    )), []);
  });

  it('src/ has none', () => {
    const found = scanImports(SRC);
    assert.ok(found.length > 500, `the scan sees the imports (${found.length})`);
    assert.deepEqual(folderCycles(found).map(describeCycle), []);
  });
});
