import * as assert from 'assert';
import * as vscode from 'vscode';
import type { SchemeSelection } from '../../../src/shared/schemeSelection';
import { api, closeAllEditors, inspectorFor, repoPath, waitForInspector } from './helpers';

const SAMPLE = ['samples', 'mlp', 'model.safetensors'];
const SELECTION: SchemeSelection = {
  bits: [4], modes: ['asymmetric'], granularities: ['tensor'], groupSize: 64, ranges: ['mse'], convention: 'torch', formats: [],
};
/** A string far longer than any field allows (5 MB). */
const HUGE = 'A'.repeat(5_000_000);

function openTabs(): number {
  return vscode.window.tabGroups.all.reduce((n, g) => n + g.tabs.length, 0);
}

describe('hostile webview messages', () => {
  afterEach(closeAllEditors);

  it('are refused with one logged line each, change nothing, and the panel keeps working', async () => {
    const quantlens = await api();
    const file = repoPath(...SAMPLE);
    const uri = vscode.Uri.file(file).toString();
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'quantlens.inspector');
    // A small file is analysed as soon as the panel is ready: let that settle first.
    const before = await waitForInspector(quantlens, file, (i) => i.status === 'done' && i.rendered !== null && i.rendered.resultRows === i.results.length);
    const view = before.rendered!;
    const tensor = before.summary!.tensors[0]!.name;
    const hostile: unknown[] = [
      null, 42, 'ready', ['ready'], {}, { type: 17 },
      { type: 'deleteEverything' }, { type: '__proto__' }, { type: 'constructor' }, { type: 'toString' },
      JSON.parse('{"type":"ready","__proto__":{"polluted":true}}'),
      { type: 'analyze', selection: { ...SELECTION, bits: [NaN] } },
      { type: 'analyze', selection: { ...SELECTION, bits: [Infinity] } },
      { type: 'analyze', selection: { ...SELECTION, groupSize: 1e308 } },
      { type: 'analyze', selection: { ...SELECTION, ranges: ['percentile:1e9'] } },
      { type: 'analyze', selection: { ...SELECTION, ranges: [HUGE] } },
      { type: 'analyze', selection: SELECTION, paths: ['/etc/passwd'] },
      { type: 'requestBlockStats', request: { tensor: 'no.such.tensor', granularity: 'channel', groupSize: null } },
      { type: 'requestBlockStats', request: { tensor: '../../../../etc/passwd', granularity: 'channel', groupSize: null } },
      { type: 'requestBlockStats', request: { tensor: HUGE, granularity: 'channel', groupSize: null } },
      { type: 'requestBlockStats', request: { tensor, granularity: 'group', groupSize: -Infinity } },
      { type: 'export', format: 'csv', target: '/tmp/quantlens-pwned.csv' },
      { type: 'export', format: '../../x' },
      { type: 'reopenWithDefault', uri: 'file:///etc/passwd' },
      { type: 'exportCalibration', format: 'json', method: 'percentile:NaN' },
      { type: 'simulatePtq', settings: { weights: ['int99'], activations: [] } },
      { type: 'calibrate', settings: { bits: 1e9, mode: 'asymmetric', convention: 'lecture' } },
      { type: 'plan', settings: { target: '../../bin/sh', plan: { kind: 'preset', preset: 'Q4_0' }, reference: 'Q4_0' } },
      { type: 'planExportSave', path: '/tmp/quantlens-pwned.txt' },
      { type: 'rendered', view: { ...view, resultRows: -5 } },
      { type: 'rendered', view: { ...view, selectedTensor: 'ghost' } },
    ];
    const logged = quantlens.testHooks.refusedMessages().length;
    const tabs = openTabs();
    for (const m of hostile) assert.strictEqual(quantlens.testHooks.postFromWebview(uri, m), false, JSON.stringify(m)?.slice(0, 120));

    const lines = quantlens.testHooks.refusedMessages().slice(logged);
    assert.strictEqual(lines.length, hostile.length, 'one line per refused message');
    for (const line of lines) assert.ok(!line.includes('\n') && line.length < 400, line.slice(0, 400));
    assert.ok(lines.some((l) => /no such tensor in this file/.test(l)), lines.join('\n'));
    assert.strictEqual((Object.prototype as Record<string, unknown>)['polluted'], undefined);

    // Nothing was done: no analysis, no export, no editor, no plan; what the panel shows is unchanged.
    const after = inspectorFor(quantlens, file)!;
    assert.strictEqual(after.status, 'done');
    assert.deepStrictEqual(after.selection, before.selection);
    assert.deepStrictEqual(after.results, before.results);
    assert.deepStrictEqual(after.rendered, view);
    assert.strictEqual(after.plan.status, before.plan.status);
    assert.strictEqual(openTabs(), tabs);

    // The panel still works: a valid intent through the same path runs, and the real webview draws it.
    assert.strictEqual(quantlens.testHooks.postFromWebview(uri, { type: 'analyze', selection: SELECTION }), true);
    const rerun = await waitForInspector(quantlens, file, (i) =>
      i.status === 'done' && JSON.stringify(i.selection) === JSON.stringify(SELECTION) && i.rendered?.resultRows === i.results.length);
    assert.ok(rerun.results.length > 0);
    assert.ok(rerun.results.every((t) => t.results.every((r) => r.kind === 'int' && r.bits === 4 && r.range === 'mse')));
  });
});
