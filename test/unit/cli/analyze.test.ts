import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { assertSame } from '../wasm/sameResult';
import { builtAnalyze } from './builtCli';
import type { Run } from './run';
import { f32Tensor, noise, writeSafetensors } from '../worker/fixtures';

const SAMPLE = path.join(__dirname, '../../../samples/mlp/model.safetensors');
const SAMPLE_TENSORS = ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias', 'fc3.weight', 'fc3.bias'];

interface ReportJson {
  file: string;
  format: string;
  convention: string;
  tensors: Array<{ name: string; results: Array<Record<string, unknown>>; notApplicable?: unknown[] }>;
  skipped: Array<{ name: string; dtype: string; reason: string }>;
}

describe('quantlens analyze (built CLI, worker threads)', function () {
  this.timeout(60_000);
  let analyze: (...argv: string[]) => Promise<Run>;
  let withInts = '';

  before(async () => {
    analyze = await builtAnalyze();
    withInts = await writeSafetensors('ints.safetensors', [
      f32Tensor('w', [8, 64], noise(8 * 64, 7)),
      { name: 'ids', dtype: 'I32', shape: [2], bytes: new Uint8Array(8) },
      f32Tensor('v', [16], noise(16, 8)),
    ]);
  });

  it('prints the per-layer table and the bit-width comparison by default', async () => {
    const r = await analyze(SAMPLE, '--bits', '8,4,2');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'no progress bar when stderr is not a terminal');
    for (const name of SAMPLE_TENSORS) assert.match(r.stdout, new RegExp(`^${name.replace('.', '\\.')} `, 'm'));
    assert.match(r.stdout, /^Per layer$/m);
    assert.match(r.stdout, /^Bit-width comparison/m);
    for (const config of ['int8 sym', 'int8 asym', 'int4 sym', 'int4 asym', 'int2 sym', 'int2 asym']) {
      assert.equal(r.stdout.split('\n').filter((l) => l.includes(`${config} `)).length, SAMPLE_TENSORS.length + 1, config);
    }
  });

  it('--json: the CLI.md document, a result per bit width and mode, integer tensors skipped', async () => {
    const r = await analyze(withInts, '--json', '--bits', '8,2', '--mode', 'symmetric');
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /NaN|Infinity/);
    const doc = JSON.parse(r.stdout) as ReportJson;
    assert.equal(doc.file, withInts);
    assert.equal(doc.format, 'safetensors');
    assert.equal(doc.convention, 'lecture');
    assert.deepEqual(doc.tensors.map((t) => t.name), ['w', 'v']);
    assert.deepEqual(doc.tensors[0]!.results.map((x) => [x.kind, x.bits, x.mode, x.granularity]), [['int', 8, 'symmetric', 'tensor'], ['int', 2, 'symmetric', 'tensor']]);
    assert.deepEqual(doc.skipped, [{ name: 'ids', dtype: 'I32', reason: 'integer tensor' }]);
  });

  it('--histograms adds histograms and error percentiles; every other figure is the same without it', async () => {
    const plain = await analyze(withInts, '--json', '--bits', '8,4');
    const full = await analyze(withInts, '--json', '--bits', '8,4', '--histograms', '--bins', '32');
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(full.code, 0, full.stderr);
    type Tensor = ReportJson['tensors'][number] & { histogram?: unknown };
    const withDetail = (JSON.parse(full.stdout) as ReportJson).tensors as Tensor[];
    const without = (JSON.parse(plain.stdout) as ReportJson).tensors as Tensor[];
    for (const t of withDetail) {
      assert.equal((t.histogram as { counts: number[] }).counts.length, 32);
      for (const r of t.results) for (const k of ['errP50', 'errP95', 'errP99', 'histograms']) assert.ok(k in r, k);
    }
    const detail = new Set(['errP50', 'errP95', 'errP99', 'histograms']);
    const stripped = withDetail.map(({ histogram: _h, ...t }) => ({
      ...t, results: t.results.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !detail.has(k)))),
    }));
    // The two runs take different kernels: float sums may differ in their last bits.
    assertSame(without, stripped);
  });

  it('--granularity channel,group --group-size 16: per-channel and per-group results where they apply', async () => {
    const r = await analyze(withInts, '--json', '--bits', '4', '--mode', 'asymmetric', '--granularity', 'channel,group', '--group-size', '16');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as ReportJson;
    const w = doc.tensors.find((t) => t.name === 'w')!;
    assert.deepEqual(w.results.map((x) => [x.granularity, x.groupSize]), [['channel', null], ['group', 16]]);
    const v = doc.tensors.find((t) => t.name === 'v')!;
    assert.equal(v.results.length, 0, 'rank-1 tensors have no channels or groups');
    assert.equal(v.notApplicable?.length, 2);
  });

  it('--range takes every method of the grammar, entropy:onnxruntime included, in its canonical spelling', async () => {
    const r = await analyze(SAMPLE, '--json', '--tensors', '^fc1.weight$', '--bits', '8', '--mode', 'symmetric', '--range', 'entropy:onnxruntime,percentile:99.90,minmax');
    assert.equal(r.code, 0, r.stderr);
    const w = (JSON.parse(r.stdout) as ReportJson).tensors[0]!;
    assert.deepEqual(w.results.map((x) => x.range), ['entropy:onnxruntime', 'percentile:99.9', 'minmax']);
    for (const x of w.results) assert.ok(Number.isFinite(x.clipMax) && Number.isFinite(x.sqnrDb), String(x.range));
  });

  it('--csv: a header and one row per tensor and configuration', async () => {
    const r = await analyze(SAMPLE, '--csv', '--bits', '8,4');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\r\n');
    const header = lines[0]!.split(',');
    assert.ok(header.includes('tensor') && header.includes('mse') && header.includes('sqnr_db'));
    assert.equal(lines.length, 1 + SAMPLE_TENSORS.length * 4);
    const tensorColumn = header.indexOf('tensor');
    assert.deepEqual([...new Set(lines.slice(1).map((l) => l.split(',')[tensorColumn]))], SAMPLE_TENSORS);
  });

  it('--markdown: the comparison and per-layer tables', async () => {
    const r = await analyze(SAMPLE, '--markdown');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^## Bit-width comparison \(whole model\)$/m);
    assert.match(r.stdout, /^## Per layer$/m);
    assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('| `')).length, SAMPLE_TENSORS.length);
  });

  it('--out FILE writes the report there (format from the extension) and nothing to stdout', async () => {
    const out = path.join(path.dirname(withInts), 'report.json');
    const r = await analyze(withInts, '--out', out, '--threads', '1');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    const doc = JSON.parse(await fs.readFile(out, 'utf8')) as ReportJson;
    assert.equal(doc.tensors.length, 2);
  });

  it('--tensors REGEX analyses only matching tensors', async () => {
    const r = await analyze(SAMPLE, '--json', '--tensors', 'bias$');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as ReportJson).tensors.map((t) => t.name), ['fc1.bias', 'fc2.bias', 'fc3.bias']);
  });

  const badUsage: Array<[string[], RegExp]> = [
    [['--bits', '9'], /--bits/],
    [['--bits', '8,,4'], /--bits/],
    [['--mode', 'sym'], /--mode/],
    [['--granularity', 'row'], /--granularity/],
    [['--group-size', '0'], /--group-size/],
    [['--axis', '-1'], /--axis/],
    [['--range', 'percentile:101'], /--range/],
    [['--range', 'magic'], /--range/],
    [['--convention', 'tf'], /--convention/],
    [['--formats', 'q9_9'], /--formats/],
    [['--tensors', '('], /--tensors/],
    [['--threads', '0'], /--threads/],
    [['--bins', '1'], /--bins/],
    [['--json', '--csv'], /one output format/],
    [['--tensors', 'nothing-matches'], /no tensor name matches/],
    [['--frobnicate'], /frobnicate/],
  ];
  for (const [argv, message] of badUsage) {
    it(`exits 1 with a one-line message for ${argv.join(' ')}`, async () => {
      const r = await analyze(SAMPLE, ...argv);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
    });
  }

  it('exits 1 without a file, and 2 with a JSON error object for a bad file', async () => {
    assert.equal((await analyze()).code, 1);
    const bad = path.join(path.dirname(withInts), 'bad.safetensors');
    await fs.writeFile(bad, Uint8Array.of(1, 2, 3));
    const r = await analyze(bad, '--json');
    assert.equal(r.code, 2);
    const doc = JSON.parse(r.stdout) as { error: { file: string; format: string; message: string } };
    assert.equal(doc.error.file, bad);
    assert.match(r.stderr, /^quantlens: .*bad\.safetensors: /);
  });
});
