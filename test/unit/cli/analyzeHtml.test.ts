import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { buildBundlesOnce } from '../worker/bundles';

const ROOT = path.join(__dirname, '../../..');
const SAMPLE = path.join(ROOT, 'samples/mlp/model.safetensors');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** An install laid out as the repository and the .vsix are: dist/{cli,worker,webview}.js and media/*.css. */
async function installLayout(): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'quantlens-html-'));
  const dist = path.join(root, 'dist');
  await fs.mkdir(dist);
  await fs.mkdir(path.join(root, 'media'));
  const bundles = await buildBundlesOnce();
  for (const f of await fs.readdir(bundles)) await fs.copyFile(path.join(bundles, f), path.join(dist, f));
  await esbuild.build({
    entryPoints: { webview: path.join(ROOT, 'webview/main.ts') }, outdir: dist, bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: true, logLevel: 'error',
  });
  for (const css of ['inspector.css', 'report-theme.css']) await fs.copyFile(path.join(ROOT, 'media', css), path.join(root, 'media', css));
  return root;
}

describe('quantlens analyze --html', function () {
  this.timeout(60_000);
  let root = '';
  const analyze = (...argv: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(process.execPath, [path.join(root, 'dist', 'cli.js'), 'analyze', ...argv], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });

  before(async () => {
    root = await installLayout();
  });

  const embedded = (html: string): { type: string; results?: { name: string }[] }[] => {
    const data = /<script type="application\/json" id="quantlens-report-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
    assert.ok(data, 'embedded report data');
    return JSON.parse(data) as { type: string; results?: { name: string }[] }[];
  };

  it('writes a self-contained page with a strict CSP, the app and the report data', async () => {
    const out = path.join(root, 'report.html');
    const r = await analyze(SAMPLE, '--bits', '8,4', '--html', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    const html = await fs.readFile(out, 'utf8');
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'; img-src data:">/);
    assert.ok(!/<script[^>]+src=/.test(html), 'no external script');
    const results = embedded(html).find((m) => m.type === 'tensorResults')?.results ?? [];
    assert.deepEqual(results.map((t) => t.name).sort(), ['fc1.bias', 'fc1.weight', 'fc2.bias', 'fc2.weight', 'fc3.bias', 'fc3.weight']);
    assert.ok(html.includes('--vscode-charts-blue'), 'theme stand-ins inlined');
  });

  it('picks HTML from --out *.html, writes to stdout without --out, and refuses two formats', async () => {
    const out = path.join(root, 'by-name.html');
    assert.equal((await analyze(SAMPLE, '--bits', '8', '--out', out)).code, 0);
    assert.match(await fs.readFile(out, 'utf8'), /^<!DOCTYPE html>/);
    const toStdout = await analyze(SAMPLE, '--bits', '8', '--html');
    assert.equal(toStdout.code, 0, toStdout.stderr);
    assert.equal(embedded(toStdout.stdout).length, 4);
    const both = await analyze(SAMPLE, '--html', '--csv');
    assert.equal(both.code, 1);
    assert.match(both.stderr, /choose one output format/);
  });

  it('says what is missing when the app is not built next to the CLI', async () => {
    await fs.rename(path.join(root, 'dist', 'webview.js'), path.join(root, 'dist', 'webview.js.bak'));
    try {
      const r = await analyze(SAMPLE, '--bits', '8', '--html');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /webview\.js.*run the build/);
    } finally {
      await fs.rename(path.join(root, 'dist', 'webview.js.bak'), path.join(root, 'dist', 'webview.js'));
    }
  });
});
