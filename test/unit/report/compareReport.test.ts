import * as assert from 'node:assert/strict';
import { compareHtml, compareMessages } from '../../../src/core/report/compareHtml';
import { compareCsv, compareJson, compareMarkdown } from '../../../src/core/report/compareReport';
import type { CompareSetup } from '../../../src/shared/comparePanelProtocol';
import type { CompareOutcome } from '../../../src/shared/compareTypes';

const SETUP: CompareSetup = { mode: 'panel', reference: '/m/orig, v2.safetensors', candidate: '/m/q4.gguf', mapping: 'auto', quantlensVersion: '9.8.7' };
const RESULT: CompareOutcome = {
  reference: SETUP.reference,
  candidate: SETUP.candidate,
  pairs: [
    { reference: 'model.layers.0.self_attn.q_proj.weight', candidate: 'blk.0.attn_q.weight', referenceDtype: 'BF16', candidateDtype: 'Q4_K', shape: [64, 64], transform: 'rope-permute', mse: 1e-5, maxAbsErr: 0.01, sqnrDb: 20.125, cosine: 0.995, relFrobenius: 0.1, nonFinite: { reference: 0, candidate: 0 }, requantizedSqnrDb: 20.2 },
    { reference: 'model.norm.weight', candidate: 'output_norm.weight', referenceDtype: 'BF16', candidateDtype: 'F32', shape: [64], transform: 'none', mse: 0, maxAbsErr: 0, sqnrDb: null, cosine: 1, relFrobenius: 0, nonFinite: { reference: 0, candidate: 0 }, requantizedSqnrDb: null },
  ],
  unpaired: { reference: ['lm_head.weight'], candidate: [] },
  findings: [{ kind: 'non-finite', tensor: 'blk.0.attn_q.weight', message: '1 NaN/Inf | in the candidate' }],
};

describe('compare exports', () => {
  it('CSV: one row per pair, RFC 4180 quoting, exact SQNR empty, the files and version on every row', () => {
    const lines = compareCsv(SETUP, RESULT).split('\r\n');
    assert.equal(lines.pop(), '');
    const header = lines[0]!.split(',');
    assert.equal(lines.length, 3);
    assert.deepEqual(header.slice(-4), ['reference_file', 'candidate_file', 'mapping', 'quantlens_version']);
    assert.ok(lines[1]!.endsWith(',"/m/orig, v2.safetensors",/m/q4.gguf,auto,9.8.7'), lines[1]);
    assert.equal(lines[2]!.split(',')[header.indexOf('sqnr_db')], '');
    assert.equal(lines[1]!.split(',')[header.indexOf('transform')], 'rope-permute');
  });

  it('JSON: the CLI\'s compare document plus version and mapping', () => {
    const doc = JSON.parse(compareJson(SETUP, RESULT)) as Record<string, unknown>;
    assert.equal(doc['quantlensVersion'], '9.8.7');
    assert.equal(doc['mapping'], 'auto');
    assert.deepEqual({ ...doc, quantlensVersion: undefined, mapping: undefined }, { ...RESULT, quantlensVersion: undefined, mapping: undefined });
  });

  it('Markdown: findings (pipes escaped), the pair table, the unpaired names, the version', () => {
    const md = compareMarkdown(SETUP, RESULT);
    assert.match(md, /^- \*\*non-finite\*\* `blk\.0\.attn_q\.weight`: 1 NaN\/Inf \\\| in the candidate$/m);
    assert.match(md, /^\| `model\.norm\.weight` \| `output_norm\.weight` \| F32 \| none \| exact \| 1\.000000 \| 0 \| 0 \|$/m);
    assert.match(md, /^- in the reference: `lm_head\.weight`$/m);
    assert.match(md, /QuantLens 9\.8\.7/);
  });

  it('HTML: replays the result in report mode, with a hash CSP and nothing that closes its script early', () => {
    const html = compareHtml(SETUP, { ...RESULT, findings: [{ kind: 'x', tensor: null, message: '</script><script>alert(1)</script>' }] }, { script: 'console.log("app")', css: 'body{}', themeCss: ':root{}' });
    assert.match(html, /script-src 'sha256-[A-Za-z0-9+/=]+'/);
    assert.equal(html.match(/<\/script>/g)?.length, 2);
    const messages = compareMessages(SETUP, RESULT);
    assert.deepEqual(messages.map((m) => m.type), ['init', 'result', 'status']);
    assert.equal(messages[0]!.type === 'init' && messages[0]!.setup.mode, 'report');
  });
});
