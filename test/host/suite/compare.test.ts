import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { runCompare } from '../../../src/cli/commands/compare';
import type { ComparisonSnapshot, QuantLensApi } from '../../../src/extension/api';
import type { HostToCompareView } from '../../../src/shared/comparePanelProtocol';
import type { CompareOutcome } from '../../../src/shared/compareTypes';
import { tempDir, writeManyTensors } from './files';
import { api, closeAllEditors, repoPath, waitFor } from './helpers';

/** The Compare panel of `candidate` once `ready` holds. */
function comparisonOf(quantlens: QuantLensApi, candidate: string, ready: (c: ComparisonSnapshot) => boolean): Promise<ComparisonSnapshot> {
  return waitFor(quantlens, () => quantlens.comparisons().find((c) => c.setup.candidate === candidate && ready(c)));
}

/** A compare long enough (a second or more) to close its panel in the middle: 32 tensors of 1024 x 1024 float32 per side (128 MiB). */
const BIG_TENSORS = 32;
const BIG_SHAPE = [1024, 1024];

describe('Compare With (two files)', () => {
  const reference = () => repoPath('test', 'fixtures', 'plan', 'hf-llama', 'model.safetensors');
  const candidate = () => repoPath('test', 'fixtures', 'compare', 'q4_k_m.gguf');
  let quantlens: QuantLensApi;
  let expected: CompareOutcome;

  before(async () => {
    quantlens = await api();
    expected = await runCompare(reference(), candidate(), { kind: 'auto' });
  });
  after(closeAllEditors);

  it('from two files selected in the explorer: the panel shows the CLI core\'s pairs, findings and unpaired names', async () => {
    const [ref, cand] = [vscode.Uri.file(reference()), vscode.Uri.file(candidate())];
    const status = await vscode.commands.executeCommand<string>('quantlens.compareWith', ref, [ref, cand]);
    assert.strictEqual(status, 'done');
    const shown = await comparisonOf(quantlens, candidate(), (c) => c.rendered?.status === 'done' && c.rendered.pairsTotal > 0);
    assert.deepStrictEqual(shown.result, expected);
    assert.strictEqual(shown.setup.reference, reference());
    assert.ok(expected.pairs.some((p) => p.transform === 'rope-permute'), 'the fixture exercises the rotary permutation');
    const rendered = shown.rendered!;
    assert.strictEqual(rendered.pairsTotal, expected.pairs.length);
    assert.strictEqual(rendered.pairRows, expected.pairs.length);
    assert.strictEqual(rendered.findings, expected.findings.length);
    assert.strictEqual(rendered.unpaired, expected.unpaired.reference.length + expected.unpaired.candidate.length);
    assert.deepStrictEqual(rendered.sort, { column: 'sqnr', descending: false });
  });

  it('exports CSV, JSON, Markdown and HTML carrying the QuantLens version and the files compared', async () => {
    const out = tempDir('quantlens-compare-export-');
    const write = async (format: string, name: string): Promise<string> => {
      const target = path.join(out, name);
      assert.strictEqual(await vscode.commands.executeCommand<string>('quantlens.exportComparison', { format, target }), target);
      return fs.readFileSync(target, 'utf8');
    };
    const json = JSON.parse(await write('json', 'c.json')) as CompareOutcome & { quantlensVersion: string; mapping: string };
    assert.deepStrictEqual({ ...json, quantlensVersion: undefined, mapping: undefined }, { ...expected, quantlensVersion: undefined, mapping: undefined });
    assert.ok(json.quantlensVersion, 'version recorded');
    assert.strictEqual(json.mapping, 'auto');
    const csv = (await write('csv', 'c.csv')).trim().split(/\r\n/);
    assert.strictEqual(csv.length, expected.pairs.length + 1);
    assert.ok(csv[0]!.split(',').includes('quantlens_version'), csv[0]);
    assert.ok(csv.slice(1).every((l) => l.includes(candidate())), 'every row names the candidate file');
    assert.match(await write('markdown', 'c.md'), /^# Comparison: /m);
    const html = await write('html', 'c.html');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/);
    const data = /<script type="application\/json" id="quantlens-report-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
    const messages = JSON.parse(data ?? '[]') as HostToCompareView[];
    const result = messages.find((m) => m.type === 'result');
    assert.ok(result?.type === 'result' && result.result.pairs.length === expected.pairs.length, 'the HTML embeds the pairs');
  });

  it('closing the panel mid-run cancels the comparison in the worker, and the next one runs', async () => {
    const dir = tempDir('quantlens-compare-cancel-');
    const [big, twin] = [path.join(dir, 'big.safetensors'), path.join(dir, 'twin.safetensors')];
    writeManyTensors(big, BIG_TENSORS, BIG_SHAPE);
    writeManyTensors(twin, BIG_TENSORS, BIG_SHAPE);
    const running = vscode.commands.executeCommand<string>('quantlens.compareWith', { reference: big, candidate: twin });
    const started = await comparisonOf(quantlens, twin, (c) => (c.progress?.elementsDone ?? 0) > 0);
    assert.strictEqual(started.status, 'running');
    assert.ok(started.progress!.elementsDone < started.progress!.elementsTotal, 'stopped before the end');
    await closeAllEditors();
    assert.strictEqual(await running, 'cancelled');
    assert.strictEqual(await vscode.commands.executeCommand<string>('quantlens.compareWith', { reference: reference(), candidate: candidate() }), 'done');
  });

  it('two files with nothing in common: a one-line error in the panel', async () => {
    const other = repoPath('samples', 'mlp', 'model.safetensors');
    const status = await vscode.commands.executeCommand<string>('quantlens.compareWith', { reference: reference(), candidate: other });
    assert.strictEqual(status, 'failed');
    const shown = await comparisonOf(quantlens, other, (c) => c.rendered?.status === 'failed');
    assert.ok(shown.rendered?.error, 'the panel shows the error');
    assert.ok(!shown.rendered.error.includes('\n'), shown.rendered.error);
    assert.match(shown.rendered.error, /not the same model/);
  });

  it('an unreadable file: a one-line error naming the problem', async () => {
    const bad = path.join(tempDir('quantlens-compare-bad-'), 'broken.safetensors');
    fs.writeFileSync(bad, Uint8Array.of(200, 0, 0, 0, 0, 0, 0, 0, 0x7b));
    const status = await vscode.commands.executeCommand<string>('quantlens.compareWith', { reference: reference(), candidate: bad });
    assert.strictEqual(status, 'failed');
    const shown = await comparisonOf(quantlens, bad, (c) => c.rendered?.status === 'failed');
    assert.ok(shown.rendered?.error && !shown.rendered.error.includes('\n'), String(shown.rendered?.error));
    assert.strictEqual(shown.error?.format, 'safetensors');
  });
});
