import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openModel } from '../../../src/core/formats/registry';
import { run } from '../cli/run';
import { suiteTempDir } from '../helpers/tempDir';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');
const REFERENCE = path.join(FIXTURES, 'plan', 'hf-llama');
const Q2_K = path.join(FIXTURES, 'compare', 'q2_k.gguf');
const Q4_K_M = path.join(FIXTURES, 'compare', 'q4_k_m.gguf');
const Q4_K_S = path.join(FIXTURES, 'compare', 'q4_k_s.gguf');

/** Tensors whose stored types differ between two GGUF files, read from the files themselves. */
async function typeDifferences(a: string, b: string): Promise<string[]> {
  const [ma, mb] = [await openModel([a]), await openModel([b])];
  const types = new Map(mb.tensors.map((t) => [t.name, t.dtype]));
  const out = ma.tensors.filter((t) => types.get(t.name) !== t.dtype).map((t) => t.name);
  await ma.close();
  await mb.close();
  return out.sort();
}
/** q2_k.gguf's Q2_K tensors (gate, up, q, k in 2 layers) are near 10.6 dB; everything else is above 15 dB. */
const Q2_K_TENSORS = ['attn_k', 'attn_q', 'ffn_gate', 'ffn_up'].flatMap((n) => [0, 1].map((b) => `blk.${b}.${n}.weight`)).sort();

/**
 * Well-formed XML of elements, attributes and text only (what junitXml writes): the element tree,
 * each node's name, attributes and children. Throws on a tag that does not close.
 */
interface XmlNode { name: string; attrs: Record<string, string>; children: XmlNode[] }
function parseXml(text: string): XmlNode {
  const body = text.replace(/^<\?xml[^>]*\?>\s*/, '');
  const root: XmlNode = { name: '#root', attrs: {}, children: [] };
  const stack = [root];
  for (const m of body.matchAll(/<(\/?)([\w:-]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/g)) {
    if (m[5] !== undefined) {
      assert.ok(m[5].trim() === '' || stack.length > 1, 'text outside the root');
      continue;
    }
    if (m[1] === '/') {
      assert.equal(stack.pop()!.name, m[2], `</${m[2]}> closes another element`);
      continue;
    }
    const attrs = Object.fromEntries([...m[3]!.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]));
    const node: XmlNode = { name: m[2]!, attrs, children: [] };
    stack[stack.length - 1]!.children.push(node);
    if (m[4] !== '/') stack.push(node);
  }
  assert.equal(stack.length, 1, 'unclosed element');
  assert.equal(root.children.length, 1, 'one root element');
  return root.children[0]!;
}

/** The JUnit schema CI systems read (testsuites > testsuite[name, tests, failures] > testcase[classname, name] > failure[message]). */
function checkJunit(root: XmlNode): void {
  assert.equal(root.name, 'testsuites');
  for (const suite of root.children) {
    assert.equal(suite.name, 'testsuite');
    for (const a of ['name', 'tests', 'failures']) assert.ok(a in suite.attrs, `testsuite@${a}`);
    assert.equal(Number(suite.attrs.tests), suite.children.length);
    assert.equal(Number(suite.attrs.failures), suite.children.filter((c) => c.children.length > 0).length);
    for (const tc of suite.children) {
      assert.equal(tc.name, 'testcase');
      for (const a of ['classname', 'name']) assert.ok(a in tc.attrs, `testcase@${a}`);
      for (const f of tc.children) {
        assert.equal(f.name, 'failure');
        assert.ok('message' in f.attrs);
      }
    }
  }
}

/** SARIF 2.1.0's required properties (sarif-schema-2.1.0.json: sarifLog, run, tool, toolComponent, result, message, location). */
function checkSarif(log: Record<string, unknown>): void {
  assert.equal(log.version, '2.1.0');
  assert.ok(Array.isArray(log.runs));
  for (const r of log.runs as Record<string, unknown>[]) {
    const driver = (r.tool as { driver: { name: unknown; rules?: { id: unknown }[] } }).driver;
    assert.equal(typeof driver.name, 'string');
    const ids = (driver.rules ?? []).map((rule) => { assert.equal(typeof rule.id, 'string'); return rule.id; });
    for (const res of r.results as Record<string, unknown>[]) {
      const message = res.message as { text?: unknown; id?: unknown };
      assert.ok(typeof message.text === 'string' || typeof message.id === 'string', 'result.message needs text or id');
      assert.ok(['none', 'note', 'warning', 'error'].includes(res.level as string));
      assert.ok(ids.includes(res.ruleId), `ruleId ${String(res.ruleId)} among the driver's rules`);
      assert.equal(ids[res.ruleIndex as number], res.ruleId);
      for (const loc of res.locations as { physicalLocation: { artifactLocation: { uri: unknown } } }[]) {
        assert.equal(typeof loc.physicalLocation.artifactLocation.uri, 'string');
      }
    }
  }
}

describe('quantlens check', () => {
  const tmp = suiteTempDir('quantlens-check-');

  it('compare --min-sqnr: exit 3, one line per failing tensor; JUnit and SARIF pass their schema checks', async () => {
    const junit = path.join(tmp(), 'check.xml');
    const sarif = path.join(tmp(), 'check.sarif');
    const r = await run('check', 'compare', REFERENCE, Q2_K, '--min-sqnr', '15', '--junit', junit, '--sarif', sarif);
    assert.equal(r.code, 3, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.deepEqual(lines.map((l) => /^FAIL (\S+): SQNR \d+\.\d\d dB < 15 dB$/.exec(l)?.[1]).sort(), Q2_K_TENSORS);
    const xml = parseXml(readFileSync(junit, 'utf8'));
    checkJunit(xml);
    assert.equal(xml.children[0]!.attrs.tests, '20');
    assert.equal(xml.children[0]!.attrs.failures, '8');
    const log = JSON.parse(readFileSync(sarif, 'utf8')) as Record<string, unknown>;
    checkSarif(log);
    const results = (log.runs as { results: { ruleId: string; message: { text: string } }[] }[])[0]!.results;
    assert.deepEqual(results.map((x) => x.message.text.split(':')[0]).sort(), Q2_K_TENSORS);
    assert.ok(results.every((x) => x.ruleId === 'min-sqnr'));
  });

  it('a saved compare --json result: --max-rel-err gates the same tensors; thresholds met exit 0', async () => {
    const saved = path.join(tmp(), 'compare.json');
    writeFileSync(saved, (await run('compare', REFERENCE, Q2_K, '--json')).stdout);
    const r = await run('check', saved, '--max-rel-err', '0.2');
    assert.equal(r.code, 3);
    assert.deepEqual(r.stdout.trimEnd().split('\n').map((l) => /^FAIL (\S+): relative error 0\.\d+ > 0\.2$/.exec(l)?.[1]).sort(), Q2_K_TENSORS);
    const ok = await run('check', saved, '--min-sqnr', '10', '--no-nonfinite');
    assert.equal(ok.code, 0, ok.stdout);
    assert.equal(ok.stdout, 'ok: 20 checked\n');
  });

  it('an analyze --json result: SQNR, the relative error it implies, and non-finite tensors', async () => {
    const report = path.join(tmp(), 'analyze.json');
    writeFileSync(report, JSON.stringify({
      file: 'm.safetensors', format: 'safetensors', convention: 'lecture',
      tensors: [
        { name: 'a', stats: { nonFinite: 0 }, results: [{ kind: 'int', mode: 'symmetric', bits: 8, granularity: 'tensor', sqnrDb: 40 }, { kind: 'format', format: 'q4_0', sqnrDb: 19 }] },
        { name: 'b', stats: { nonFinite: 2 }, results: [{ kind: 'int', mode: 'symmetric', bits: 8, granularity: 'tensor', sqnrDb: null }] },
      ],
      skipped: [],
    }));
    const r = await run('check', report, '--min-sqnr', '20', '--max-rel-err', '0.1', '--no-nonfinite');
    assert.equal(r.code, 3);
    // 19 dB: ‖e‖/‖x‖ = 10^(-19/20) = 0.1122
    assert.equal(r.stdout, 'FAIL a q4_0: SQNR 19.00 dB < 20 dB\nFAIL a q4_0: relative error 0.1122 > 0.1\nFAIL b int8 symmetric tensor: 2 NaN/Inf values\n');
  });

  describe('--plan: stored types against a `quantlens plan --json` result', () => {
    let plan = '';
    before(async () => {
      plan = path.join(tmp(), 'plan.json');
      const r = await run('plan', REFERENCE, '--target', 'llama.cpp', '--preset', 'Q4_K_M', '--json');
      assert.equal(r.code, 0, r.stderr);
      writeFileSync(plan, r.stdout);
    });

    it('the file llama-quantize made with the planned preset passes; another preset fails once per differing tensor, in JUnit and SARIF too', async () => {
      const ok = await run('check', Q4_K_M, '--plan', plan);
      assert.equal(ok.code, 0, ok.stdout);
      assert.match(ok.stdout, /^ok: 20 checked\n$/);
      const differing = await typeDifferences(Q4_K_M, Q4_K_S);
      assert.ok(differing.length >= 2, differing.join());
      const junit = path.join(tmp(), 'plan.xml');
      const sarif = path.join(tmp(), 'plan.sarif');
      const r = await run('check', Q4_K_S, '--plan', plan, '--junit', junit, '--sarif', sarif);
      assert.equal(r.code, 3);
      const lines = r.stdout.trimEnd().split('\n');
      assert.deepEqual(lines.map((l) => /^FAIL (\S+): planned Q\w+, stored as Q\w+$/.exec(l)?.[1]).sort(), differing);
      const xml = parseXml(readFileSync(junit, 'utf8'));
      checkJunit(xml);
      assert.equal(xml.attrs.failures, String(differing.length));
      const log = JSON.parse(readFileSync(sarif, 'utf8')) as Record<string, unknown>;
      checkSarif(log);
      assert.ok((log.runs as { results: { ruleId: string }[] }[])[0]!.results.every((x) => x.ruleId === 'plan'));
    });

    it('compare --plan adds a plan-deviation finding per differing tensor; check compare --plan and its saved result fail on them', async () => {
      const differing = await typeDifferences(Q4_K_M, Q4_K_S);
      const j = JSON.parse((await run('compare', REFERENCE, Q4_K_S, '--plan', plan, '--json')).stdout) as { findings: { kind: string; tensor: string; message: string }[] };
      const deviations = j.findings.filter((f) => f.kind === 'plan-deviation');
      assert.deepEqual(deviations.map((f) => f.tensor).sort(), differing);
      assert.ok(deviations.every((f) => /^planned Q\w+, stored as Q\w+$/.test(f.message)));
      const same = JSON.parse((await run('compare', REFERENCE, Q4_K_M, '--plan', plan, '--json')).stdout) as { findings: unknown[] };
      assert.deepEqual(same.findings, []);
      const checked = await run('check', 'compare', REFERENCE, Q4_K_S, '--plan', plan);
      assert.equal(checked.code, 3);
      assert.equal(checked.stdout.trimEnd().split('\n').length, differing.length);
      const saved = path.join(tmp(), 'deviating.json');
      writeFileSync(saved, JSON.stringify(j));
      const fromSaved = await run('check', saved, '--min-sqnr', '0');
      assert.equal(fromSaved.code, 3);
      assert.equal(fromSaved.stdout, checked.stdout);
    });

    it('a tensor missing from the file or from the plan is a deviation; a malformed plan is one line, exit 2', async () => {
      const edited = JSON.parse(readFileSync(plan, 'utf8')) as { tensors: { name: string; type: string }[] };
      edited.tensors = [...edited.tensors.filter((t) => t.name !== 'blk.1.ffn_down.weight'), { ...edited.tensors[0]!, name: 'blk.9.attn_q.weight', type: 'Q4_K' }];
      const file = path.join(tmp(), 'edited.json');
      writeFileSync(file, JSON.stringify(edited));
      const r = await run('check', Q4_K_M, '--plan', file);
      assert.equal(r.code, 3);
      assert.deepEqual(r.stdout.trimEnd().split('\n').sort(), ['FAIL blk.1.ffn_down.weight: stored as Q6_K, not in the plan', 'FAIL blk.9.attn_q.weight: planned Q4_K, not in the file']);
      const bad = path.join(tmp(), 'not-a-plan.json');
      writeFileSync(bad, '{"tensors": [{"name": 1}]}');
      const malformed = await run('check', Q4_K_M, '--plan', bad);
      assert.equal(malformed.code, 2);
      assert.equal(malformed.stderr, `quantlens: ${bad}: json: not a \`quantlens plan --json\` result (no tensors with name and type)\n`);
      assert.equal((await run('check', Q4_K_M, '--plan', path.join(tmp(), 'missing.json'))).code, 1);
    });
  });

  it('usage errors exit 1; an unreadable result exits 2 with one line', async () => {
    assert.equal((await run('check', Q2_K)).code, 1);
    assert.equal((await run('check', 'compare', REFERENCE, '--min-sqnr', '3')).code, 1);
    assert.equal((await run('check', path.join(tmp(), 'none.json'), '--min-sqnr', 'x')).code, 1);
    const bad = path.join(tmp(), 'bad.json');
    writeFileSync(bad, '{"neither": 1}');
    const r = await run('check', bad, '--min-sqnr', '3');
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `quantlens: ${bad}: json: neither an analyze --json nor a compare --json result\n`);
  });
});
