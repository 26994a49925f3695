import * as assert from 'assert';
import * as vscode from 'vscode';
import { configLabel } from '../../../src/shared/resultLabels';
import { expandSelection, type SchemeSelection } from '../../../src/shared/schemeSelection';
import { api, closeAllEditors, repoPath, waitForInspector } from './helpers';

const SELECTION: SchemeSelection = {
  bits: [8, 4, 2], modes: ['symmetric'], granularities: ['tensor', 'channel'], groupSize: 128,
  range: 'minmax', convention: 'lecture', formats: ['q8_0'],
};
const SAMPLE = ['samples', 'mlp', 'model.safetensors'];
const LLAMA = ['test', 'fixtures', 'llama', 'single', 'model.safetensors'];

describe('analysis', () => {
  afterEach(closeAllEditors);

  it('streams every float tensor\'s results into the panel', async () => {
    const quantlens = await api();
    const file = repoPath(...SAMPLE);
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'quantlens.inspector');
    await waitForInspector(quantlens, file, (i) => i.rendered !== null);
    const status = await vscode.commands.executeCommand('quantlens.analyze', { selection: SELECTION });
    assert.strictEqual(status, 'done');
    const done = await waitForInspector(quantlens, file, (i) => i.status === 'done' && i.rendered?.resultRows === i.results.length);
    const floats = done.summary?.tensors.filter((t) => /^(F|BF)/.test(t.dtype)).length ?? 0;
    assert.ok(floats > 0, 'sample has float tensors');
    assert.strictEqual(done.results.length, floats);
    for (const t of done.results) {
      assert.deepStrictEqual(t.results.map((r) => configLabel(r)), expandSelection(SELECTION).map((s) => configLabel(s)), t.name);
    }
    assert.ok(done.report, 'report kept for export');
    assert.deepStrictEqual(done.selection, SELECTION);
    const int8 = done.results[0]?.results.find((r) => r.kind === 'int' && r.bits === 8 && r.granularity === 'tensor');
    assert.ok(int8 && int8.sqnrDb !== null && int8.sqnrDb > 30, `int8 SQNR ${int8?.sqnrDb}`);
  });

  it('Compare Bit Widths runs 8, 4 and 2 bits and draws the Compare charts', async () => {
    const quantlens = await api();
    const file = repoPath(...SAMPLE);
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'quantlens.inspector');
    await waitForInspector(quantlens, file, (i) => i.rendered !== null);
    assert.strictEqual(await vscode.commands.executeCommand('quantlens.compareBitWidths'), 'done');
    const shown = await waitForInspector(quantlens, file, (i) => i.rendered?.tab === 'compare' && i.rendered.chartsDrawn >= 2);
    assert.deepStrictEqual(shown.selection?.bits, [8, 4, 2]);
  });

  it('Show Data Types returns the dtype breakdown and shows the Overview', async () => {
    const quantlens = await api();
    const file = repoPath(...LLAMA);
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'quantlens.inspector');
    await waitForInspector(quantlens, file, (i) => i.rendered !== null);
    const breakdown = await vscode.commands.executeCommand<{ dtype: string; params: number }[]>('quantlens.showDataTypes');
    assert.ok(breakdown.some((d) => d.dtype === 'BF16'), JSON.stringify(breakdown));
    await waitForInspector(quantlens, file, (i) => i.rendered?.tab === 'overview' && i.rendered.chartsDrawn >= 2);
  });

  it('Cancel Analysis stops a run before it completes', async () => {
    const quantlens = await api();
    const file = repoPath(...LLAMA);
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'quantlens.inspector');
    await waitForInspector(quantlens, file, (i) => i.rendered !== null);
    // Both commands start in the same turn: worker replies (macrotasks) cannot slip in between.
    const run = vscode.commands.executeCommand('quantlens.analyze', { selection: SELECTION });
    const cancelled = vscode.commands.executeCommand<number>('quantlens.cancelAnalysis');
    assert.strictEqual(await cancelled, 1);
    assert.strictEqual(await run, 'cancelled');
    const after = await waitForInspector(quantlens, file, (i) => i.status === 'cancelled');
    assert.strictEqual(after.report, null);
  });
});
