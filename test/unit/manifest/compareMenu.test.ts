import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

interface MenuItem { command: string; when?: string; group?: string }
interface Manifest {
  contributes: { commands: { command: string; title: string }[]; menus: Record<string, MenuItem[]> };
}

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;
const explorer = manifest.contributes.menus['explorer/context'] ?? [];

describe('package.json: Compare With', () => {
  it('is a declared command, in the explorer menu for exactly the files "Open Weights File" is offered for', () => {
    assert.ok(manifest.contributes.commands.some((c) => c.command === 'quantlens.compareWith' && c.title === 'Compare With...'));
    const compare = explorer.find((m) => m.command === 'quantlens.compareWith');
    const open = explorer.find((m) => m.command === 'quantlens.openFile');
    assert.ok(compare && open, 'both explorer entries exist');
    assert.equal(compare.when, open.when);
    assert.match(compare.group ?? '', /^3_compare@/, 'next to the explorer\'s own compare items');
  });

  it('offers Export Comparison in the palette only while a Compare panel is active', () => {
    const palette = manifest.contributes.menus['commandPalette'] ?? [];
    assert.equal(palette.find((m) => m.command === 'quantlens.exportComparison')?.when, 'activeWebviewPanelId == quantlens.compare');
  });
});
