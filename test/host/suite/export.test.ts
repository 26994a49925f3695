import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { AnalysisReport } from '../../../src/shared/analysisTypes';
import type { HostToWebview } from '../../../src/shared/webviewProtocol';
import { api, closeAllEditors, repoPath, waitForInspector } from './helpers';

describe('export', () => {
  let outDir = '';
  let tensors = 0;

  before(async () => {
    outDir = fs.mkdtempSync(path.join(process.env['QUANTLENS_TEST_OUT'] ?? os.tmpdir(), 'quantlens-export-'));
    const quantlens = await api();
    const file = repoPath('samples', 'mlp', 'model.safetensors');
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'quantlens.inspector');
    await waitForInspector(quantlens, file, (i) => i.rendered !== null);
    await vscode.commands.executeCommand('quantlens.analyze', {
      selection: { bits: [8, 4], modes: ['symmetric', 'asymmetric'], granularities: ['tensor'], groupSize: 128, ranges: ['minmax'], convention: 'lecture', formats: [] },
    });
    tensors = (await waitForInspector(quantlens, file, (i) => i.report !== null)).results.length;
  });
  after(closeAllEditors);

  const exportTo = async (format: string, name: string): Promise<string> => {
    const target = path.join(outDir, name);
    const written = await vscode.commands.executeCommand<string>('quantlens.exportReport', { format, target });
    assert.strictEqual(written, target);
    return fs.readFileSync(target, 'utf8');
  };

  it('writes JSON that parses back to the report', async () => {
    const doc = JSON.parse(await exportTo('json', 'r.json')) as AnalysisReport;
    assert.strictEqual(doc.tensors.length, tensors);
    assert.strictEqual(doc.convention, 'lecture');
    assert.ok(doc.quantlensVersion, 'version recorded');
  });

  it('writes CSV with one row per tensor and configuration', async () => {
    const lines = (await exportTo('csv', 'r.csv')).trim().split(/\r?\n/);
    assert.ok((lines[0] ?? '').split(',').includes('tensor'), lines[0]);
    assert.strictEqual(lines.length - 1, tensors * 4);
  });

  it('writes Markdown tables', async () => {
    const md = await exportTo('markdown', 'r.md');
    assert.match(md, /^# Quantization report/m);
    assert.match(md, /^\| .* \|$/m);
  });

  it('writes a self-contained HTML report with a strict CSP and its data', async () => {
    const html = await exportTo('html', 'r.html');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/);
    assert.ok(!/<script[^>]+src=/.test(html), 'no external scripts');
    const data = /<script type="application\/json" id="quantlens-report-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
    assert.ok(data, 'embedded data');
    const messages = JSON.parse(data) as HostToWebview[];
    const results = messages.find((m) => m.type === 'tensorResults');
    assert.ok(results && results.type === 'tensorResults' && results.results.length === tensors);
    // The panel's run computes the table only; the page still carries every tensor's histograms.
    for (const t of results.results) {
      assert.ok(t.histogram && t.histogram.counts.length > 0, `${t.name}: values histogram`);
      for (const r of t.results) assert.ok(r.histograms && r.histograms.error.counts.length > 0, `${t.name}: ${JSON.stringify(r).slice(0, 60)} histograms`);
    }
  });
});
