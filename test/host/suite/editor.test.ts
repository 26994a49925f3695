import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { api, closeAllEditors, repoPath, waitForInspector } from './helpers';

/** One fixture per format the inspector opens, with the view type that opens it. */
const FIXTURES: readonly { file: string[]; viewType: string; format: string }[] = [
  { file: ['test', 'fixtures', 'mlp', 'mlp.safetensors'], viewType: 'quantlens.inspector', format: 'safetensors' },
  { file: ['test', 'fixtures', 'mlp', 'mlp.onnx'], viewType: 'quantlens.inspector', format: 'onnx' },
  { file: ['test', 'fixtures', 'mlp', 'mlp.npz'], viewType: 'quantlens.inspector', format: 'numpy' },
  { file: ['test', 'fixtures', 'mlp', 'mlp.pt'], viewType: 'quantlens.inspector.option', format: 'pytorch' },
  { file: ['test', 'fixtures', 'llama', 'sharded', 'model.safetensors.index.json'], viewType: 'quantlens.inspector.option', format: 'safetensors' },
];

describe('custom editor', () => {
  afterEach(closeAllEditors);

  for (const f of FIXTURES) {
    it(`opens ${f.file.slice(-2).join('/')} and the webview lists its tensors`, async () => {
      const quantlens = await api();
      const file = repoPath(...f.file);
      await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), f.viewType);
      const opened = await waitForInspector(quantlens, file, (i) => i.rendered !== null);
      assert.strictEqual(opened.error?.message ?? null, null);
      const inspector = await waitForInspector(quantlens, file, (i) => (i.rendered?.tensorsListed ?? 0) > 0);
      assert.ok(inspector.summary, 'summary read');
      assert.ok(inspector.summary.format.startsWith(f.format), `format ${inspector.summary.format}`);
      assert.strictEqual(inspector.rendered?.tensorsListed, inspector.summary.tensors.length);
      assert.strictEqual(inspector.viewType, f.viewType);
    });
  }

  it('shows a corrupt file\'s error in place, with its byte offset', async () => {
    const quantlens = await api();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quantlens-bad-'));
    const file = path.join(dir, 'broken.safetensors');
    // A header length far beyond the file: the reader must refuse it.
    const bytes = Buffer.alloc(16);
    bytes.writeBigUInt64LE(1n << 40n, 0);
    fs.writeFileSync(file, bytes);
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'quantlens.inspector');
    const inspector = await waitForInspector(quantlens, file, (i) => i.rendered !== null);
    assert.strictEqual(inspector.summary, null);
    assert.ok(inspector.error && inspector.error.message.length > 0, 'error message');
    assert.strictEqual(inspector.rendered?.tensorsListed, 0);
  });

  it('opens through the Open Weights File command', async () => {
    const quantlens = await api();
    const file = repoPath('samples', 'mlp', 'model.safetensors');
    await vscode.commands.executeCommand('quantlens.openFile', vscode.Uri.file(file));
    const inspector = await waitForInspector(quantlens, file, (i) => i.summary !== null);
    assert.ok(inspector.active, 'the new inspector is the active one');
  });
});
