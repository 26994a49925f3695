import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildBundlesOnce } from '../worker/bundles';
import { suiteTempDir } from '../helpers/tempDir';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const SAMPLE = path.join(__dirname, '..', '..', '..', 'samples', 'mlp', 'model.safetensors');
const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

interface AnalyzeJson { tensors: { name: string; results: { kind: string; bits?: number; mode?: string; granularity?: string; format?: string; sqnrDb: number | null }[] }[] }

describe('quantlens check MODEL: runs analyze itself (built CLI, worker threads)', function () {
  this.timeout(120_000);
  let cli = '';
  const tmp = suiteTempDir('quantlens-check-analyze-');
  const quantlens = (...argv: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(process.execPath, [cli, ...argv], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });

  before(async () => {
    cli = path.join(await buildBundlesOnce(), 'cli.js');
  });

  it('--bits 4 --min-sqnr: one FAIL per tensor and scheme below the gate, the same set as analyze --json gives; JUnit lists every case', async () => {
    const analyzed = await quantlens('analyze', SAMPLE, '--bits', '4', '--mode', 'symmetric', '--json');
    assert.equal(analyzed.code, 0, analyzed.stderr);
    const report = JSON.parse(analyzed.stdout) as AnalyzeJson;
    const sqnrs = report.tensors.flatMap((t) => t.results.map((r) => r.sqnrDb!));
    // a gate between the best and the worst tensor: some pass, some fail
    const gate = (Math.min(...sqnrs) + Math.max(...sqnrs)) / 2;
    const failing = report.tensors.filter((t) => t.results[0]!.sqnrDb! < gate).map((t) => `${t.name} int4 symmetric tensor`);
    assert.ok(failing.length > 0 && failing.length < sqnrs.length, `gate ${gate}`);
    const junit = path.join(tmp(), 'analyze.xml');
    const r = await quantlens('check', SAMPLE, '--bits', '4', '--mode', 'symmetric', '--min-sqnr', String(gate), '--junit', junit);
    assert.equal(r.code, 3, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => /^FAIL (.+): SQNR [\d.]+ dB < [\d.]+ dB$/.exec(l)?.[1]), failing);
    const xml = readFileSync(junit, 'utf8');
    assert.equal([...xml.matchAll(/<testcase /g)].length, sqnrs.length);
    assert.equal([...xml.matchAll(/<failure /g)].length, failing.length);
  });

  it('thresholds met exit 0; a plan and thresholds together check both; analyze flags without a threshold are a usage error', async () => {
    const ok = await quantlens('check', SAMPLE, '--bits', '8', '--min-sqnr', '20', '--no-nonfinite');
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^ok: \d+ checked\n$/);
    const plan = path.join(tmp(), 'plan.json');
    writeFileSync(plan, JSON.stringify({ tensors: [{ name: 'fc1.weight', type: 'F16' }] }));
    const both = await quantlens('check', SAMPLE, '--plan', plan, '--bits', '8', '--min-sqnr', '20');
    assert.equal(both.code, 3);
    assert.match(both.stdout, /^FAIL fc1\.weight: planned F16, stored as F32\n/);
    const usage = await quantlens('check', SAMPLE, '--bits', '8');
    assert.equal(usage.code, 1);
    assert.equal(usage.stderr.split('\n').length, 2);
  });

  it('files that cannot be checked or compared: one line, exit 2', async () => {
    const notAModel = path.join(tmp(), 'notes.txt');
    writeFileSync(notAModel, 'hello');
    for (const argv of [
      ['check', notAModel, '--min-sqnr', '10'],
      ['check', 'compare', path.join(FIXTURES, 'plan', 'hf-llama'), path.join(FIXTURES, 'storages', 'gptq.safetensors'), '--min-sqnr', '10'],
      ['check', 'compare', path.join(FIXTURES, 'plan', 'hf-llama'), notAModel, '--min-sqnr', '10'],
    ]) {
      const r = await quantlens(...argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /^quantlens: [^\n]+\n$/, argv.join(' '));
    }
  });
});
