import * as assert from 'assert';
import * as vscode from 'vscode';
import { api, EXTENSION_ID } from './helpers';

const COMMANDS = [
  'quantlens.openFile', 'quantlens.analyze', 'quantlens.compareBitWidths',
  'quantlens.showDataTypes', 'quantlens.showTensor', 'quantlens.exportReport', 'quantlens.cancelAnalysis',
  'quantlens.calibrate', 'quantlens.simulatePtq', 'quantlens.exportCalibrationTable',
  'quantlens.planMixedPrecision', 'quantlens.compareWith', 'quantlens.exportComparison',
];

describe('activation', () => {
  it('runs in a real Node extension host and activates', async () => {
    const quantlens = await api();
    assert.strictEqual(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    assert.strictEqual(typeof quantlens.inspectors, 'function');
    assert.ok(process.versions.node, 'Node extension host');
  });

  it('registers every contributed command', async () => {
    const registered = await vscode.commands.getCommands(true);
    for (const c of COMMANDS) assert.ok(registered.includes(c), `${c} registered`);
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
    assert.deepStrictEqual([...contributed].sort(), [...COMMANDS].sort());
  });

  it('reads its settings with the documented defaults', () => {
    const c = vscode.workspace.getConfiguration('quantlens');
    assert.deepStrictEqual(c.get('bits'), [8, 4]);
    assert.strictEqual(c.get('convention'), 'lecture');
    assert.strictEqual(c.get('groupSize'), 128);
  });
});
