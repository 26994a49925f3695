import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { FILE_CHANGED } from '../../../src/core/io/fileIdentity';
import type { SchemeSelection } from '../../../src/shared/schemeSelection';
import { tempDir, writeManyTensors } from './files';
import { api, closeAllEditors, waitForInspector } from './helpers';

/** Range searches over every tensor: seconds of work, so the file can change while it runs. */
const SLOW: SchemeSelection = {
  bits: [8, 4, 2], modes: ['symmetric', 'asymmetric'], granularities: ['tensor'], groupSize: 128,
  ranges: ['mse', 'entropy', 'histogram'], convention: 'lecture', formats: [],
};
const TENSORS = 48;
const SHAPE = [256, 512];

/** Other values at the same size, written into the same inode. */
function rewriteInPlace(file: string): void {
  const bytes = fs.readFileSync(file);
  bytes.fill(3, Math.floor(bytes.length / 2));
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, bytes, 0, bytes.length, 0);
  fs.closeSync(fd);
}

describe('a file that changes on disk during an analysis', () => {
  afterEach(closeAllEditors);

  for (const [what, change] of [
    ['rewritten', rewriteInPlace],
    ['truncated', (file: string) => fs.truncateSync(file, 1 << 16)],
  ] as const) {
    it(`${what} mid-run: the panel shows "${FILE_CHANGED}" and no partial results`, async () => {
      const quantlens = await api();
      const file = path.join(tempDir(`changed-${what}-`), 'model.safetensors');
      writeManyTensors(file, TENSORS, SHAPE);
      await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'quantlens.inspector');
      // The automatic first analysis of a small file (default schemes) runs to the end first.
      await waitForInspector(quantlens, file, (i) => i.rendered !== null && i.status === 'done');

      const run = vscode.commands.executeCommand<string>('quantlens.analyze', { selection: SLOW });
      const midway = await waitForInspector(quantlens, file, (i) => i.status === 'running' && i.results.length >= 1);
      assert.ok(midway.results.length < TENSORS, 'the file changes before the run ends');
      change(file);
      assert.strictEqual(await run, 'failed');

      const failed = await waitForInspector(quantlens, file, (i) => i.status === 'failed' && i.rendered?.analysisError === FILE_CHANGED);
      assert.strictEqual(failed.analysisError?.message, FILE_CHANGED);
      assert.deepStrictEqual(failed.results, []);
      assert.strictEqual(failed.report, null);
      const shown = await waitForInspector(quantlens, file, (i) => i.rendered?.analysisError === FILE_CHANGED && i.rendered.resultRows === 0);
      assert.strictEqual(shown.rendered?.resultRows, 0);
    });
  }
});
