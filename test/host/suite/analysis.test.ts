import * as assert from 'assert';
import * as vscode from 'vscode';
import * as path from 'path';
import { configLabel } from '../../../src/shared/resultLabels';
import { expandSelection, type SchemeSelection } from '../../../src/shared/schemeSelection';
import { tempDir, writeManyTensors } from './files';
import { api, closeAllEditors, repoPath, waitFor, waitForInspector } from './helpers';

const SELECTION: SchemeSelection = {
  bits: [8, 4, 2], modes: ['symmetric'], granularities: ['tensor', 'channel'], groupSize: 128,
  ranges: ['minmax'], convention: 'lecture', formats: ['q8_0'],
};
/** Every range method the picker offers, compared per tensor. */
const RANGES = ['minmax', 'percentile:99.99', 'mse', 'entropy', 'histogram'];
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
    // Each scheme asked for is a result or, where it cannot apply (per channel on a bias, q8_0 on rows of 784), a reason.
    const expansion = expandSelection(SELECTION);
    assert.ok(expansion.ok);
    for (const t of done.results) {
      const answered = [...t.results.map((r) => configLabel(r)), ...(t.notApplicable ?? []).map((n) => configLabel(n.scheme))];
      assert.deepStrictEqual(answered.sort(), expansion.schemes.map((s) => configLabel(s)).sort(), t.name);
    }
    const q8 = done.results.flatMap((t) => t.results.filter((r) => r.kind === 'format' && r.format === 'q8_0'));
    assert.ok(q8.length >= 1 && q8.every((r) => r.sqnrDb !== null && r.sqnrDb > 30), `q8_0 results ${q8.map((r) => r.sqnrDb).join(', ')}`);
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

describe('analysis: cancelling mid-stream, range methods, per-group scales', () => {
  afterEach(closeAllEditors);

  it('cancels a one-thread run after its first result: fewer results than tensors', async function () {
    this.timeout(120_000);
    const quantlens = await api();
    const tensors = 48;
    const file = path.join(tempDir('quantlens-many-'), 'many.safetensors');
    writeManyTensors(file, tensors, [256, 1024]);
    const config = vscode.workspace.getConfiguration('quantlens');
    // One thread: tensors finish one after another. No auto-analysis: this test starts the run.
    await config.update('workerThreads', 1, vscode.ConfigurationTarget.Global);
    await config.update('maxAutoAnalyzeBytes', 0, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'quantlens.inspector');
      await waitForInspector(quantlens, file, (i) => i.rendered !== null);
      const run = vscode.commands.executeCommand('quantlens.analyze', { selection: { ...SELECTION, granularities: ['tensor'], formats: [] } });
      await waitForInspector(quantlens, file, (i) => i.results.length >= 1);
      assert.strictEqual(await vscode.commands.executeCommand<number>('quantlens.cancelAnalysis'), 1);
      assert.strictEqual(await run, 'cancelled');
      const after = await waitForInspector(quantlens, file, (i) => i.status === 'cancelled' && i.rendered?.resultRows === i.results.length);
      assert.ok(after.results.length >= 1 && after.results.length < tensors, `${after.results.length} of ${tensors} results`);
      assert.strictEqual(after.report, null);
    } finally {
      await config.update('workerThreads', undefined, vscode.ConfigurationTarget.Global);
      await config.update('maxAutoAnalyzeBytes', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('draws every range method\'s threshold on the Tensor tab, with its MSE', async () => {
    const quantlens = await api();
    const file = repoPath(...SAMPLE);
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'quantlens.inspector');
    await waitForInspector(quantlens, file, (i) => i.rendered !== null);
    const selection: SchemeSelection = { ...SELECTION, bits: [8], granularities: ['tensor'], ranges: RANGES, formats: [] };
    assert.strictEqual(await vscode.commands.executeCommand('quantlens.analyze', { selection }), 'done');
    const done = await waitForInspector(quantlens, file, (i) => i.status === 'done');
    const fc1 = done.results.find((t) => t.name === 'fc1.weight');
    assert.deepStrictEqual(fc1?.results.map((r) => (r.kind === 'int' ? r.range : r.format)), RANGES);
    assert.strictEqual(await vscode.commands.executeCommand('quantlens.showTensor', { tensor: 'fc1.weight' }), 'fc1.weight');
    const shown = await waitForInspector(quantlens, file, (i) => i.rendered?.tab === 'tensor' && i.rendered.selectedTensor === 'fc1.weight' && i.rendered.tensorView.rangeMethods.length > 0);
    assert.deepStrictEqual(shown.rendered?.tensorView.rangeMethods, RANGES);
  });

  it('shows the scale of every group for a per-group scheme', async () => {
    const quantlens = await api();
    const file = repoPath(...SAMPLE);
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'quantlens.inspector');
    await waitForInspector(quantlens, file, (i) => i.rendered !== null);
    const selection: SchemeSelection = { ...SELECTION, bits: [4], granularities: ['group'], groupSize: 64, formats: [] };
    assert.strictEqual(await vscode.commands.executeCommand('quantlens.analyze', { selection }), 'done');
    await vscode.commands.executeCommand('quantlens.showTensor', { tensor: 'fc2.weight' });
    // The histograms are computed on request once the tab shows the tensor: the per-group chart may be drawn first.
    const shown = await waitFor(quantlens, () => {
      const i = quantlens.inspectors().find((x) => x.active);
      return i?.rendered?.tab === 'tensor' && i.rendered.tensorView.blockChart !== null && i.rendered.chartsDrawn >= 3 ? i : undefined;
    });
    assert.strictEqual(shown.rendered?.tensorView.blockChart, 'group');
    assert.strictEqual(shown.rendered?.chartsDrawn, 3, 'values, error and per-group scale charts');
  });

  it('analyses the table\'s figures only; the Tensor tab gets the histograms of the tensor it shows on request', async () => {
    const quantlens = await api();
    const file = repoPath(...SAMPLE);
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'quantlens.inspector');
    await waitForInspector(quantlens, file, (i) => i.rendered !== null);
    const selection: SchemeSelection = { ...SELECTION, bits: [8, 4], granularities: ['tensor'], formats: [] };
    assert.strictEqual(await vscode.commands.executeCommand('quantlens.analyze', { selection }), 'done');
    const done = await waitForInspector(quantlens, file, (i) => i.status === 'done');
    assert.strictEqual(done.report?.options.tableOnly, true, 'the table\'s analysis asks for no histograms');
    for (const t of done.results) {
      assert.strictEqual(t.histogram, undefined, t.name);
      for (const r of t.results) assert.ok(r.histograms === undefined && r.errP50 === undefined, `${t.name} ${configLabel(r)}`);
    }
    assert.strictEqual(await vscode.commands.executeCommand('quantlens.showTensor', { tensor: 'fc2.weight' }), 'fc2.weight');
    // Values and error charts (from the histograms asked for) and the per-channel chart.
    const shown = await waitForInspector(quantlens, file, (i) => i.rendered?.tab === 'tensor' && i.rendered.selectedTensor === 'fc2.weight' && i.rendered.chartsDrawn >= 3);
    assert.strictEqual(shown.rendered?.chartsDrawn, 3);
  });
});
