import * as assert from 'assert';
import { COMPARE_VALIDATORS, type CompareContext } from '../../../src/extension/messages/compareMessages';
import { validateMessage } from '../../../src/extension/messages/validateMessage';
import type { CompareRendered, CompareViewToHost } from '../../../src/shared/comparePanelProtocol';

const PAIR = { reference: 'model.layers.0.self_attn.q_proj.weight', candidate: 'blk.0.attn_q.weight', transform: 'rope-permute' };
const ctx: CompareContext = { pairs: [PAIR, { reference: 'lm_head.weight', candidate: 'output.weight', transform: 'none' }] };
const RENDERED: CompareRendered = {
  status: 'done', findings: 2, pairsTotal: 2, pairRows: 1, unpaired: 0, sort: { column: 'sqnr', descending: false },
  filter: 'attn', selected: 'blk.0.attn_q.weight', chartsDrawn: 3, error: null,
};

const VALID: readonly CompareViewToHost[] = [
  { type: 'ready' }, { type: 'cancel' }, { type: 'rerun' }, { type: 'swap' },
  { type: 'requestHistograms', pair: PAIR },
  { type: 'export', format: null }, { type: 'export', format: 'html' },
  { type: 'rendered', view: RENDERED },
];

function problemOf(raw: unknown, context: CompareContext = ctx): string {
  const v = validateMessage(raw, COMPARE_VALIDATORS, context);
  assert.ok(!v.ok, `accepted ${JSON.stringify(raw)}`);
  return v.problem;
}

describe('extension: Compare panel messages are validated before use', () => {
  it('accepts every message type the Compare webview sends', () => {
    assert.deepStrictEqual([...new Set(VALID.map((m) => m.type))].sort(), Object.keys(COMPARE_VALIDATORS).sort());
    for (const m of VALID) {
      const v = validateMessage(structuredClone(m), COMPARE_VALIDATORS, ctx);
      assert.ok(v.ok, `${m.type}: ${v.ok ? '' : v.problem}`);
      assert.deepStrictEqual(v.message, m);
    }
  });

  it('asks histograms only of a pair of the finished comparison', () => {
    assert.match(problemOf({ type: 'requestHistograms', pair: { ...PAIR, transform: 'none' } }), /no such pair in this comparison/);
    assert.match(problemOf({ type: 'requestHistograms', pair: { ...PAIR, candidate: '/etc/passwd' } }), /no such pair/);
    assert.match(problemOf({ type: 'requestHistograms', pair: PAIR }, { pairs: [] }), /no such pair/);
    assert.match(problemOf({ type: 'requestHistograms', pair: { ...PAIR, reference: 'x'.repeat(100_000) } }), /exceeds 4096/);
  });

  it('refuses paths, bad numbers and unknown columns', () => {
    assert.match(problemOf({ type: 'export', format: 'csv', target: '/tmp/x.csv' }), /unexpected key "target"/);
    assert.match(problemOf({ type: 'swap', reference: '/etc/shadow' }), /unexpected key "reference"/);
    assert.match(problemOf({ type: 'rendered', view: { ...RENDERED, pairRows: NaN } }), /pairRows: expected an integer, got NaN/);
    assert.match(problemOf({ type: 'rendered', view: { ...RENDERED, sort: { column: '__proto__', descending: true } } }), /sort\.column: expected one of/);
    assert.match(problemOf({ type: 'rendered', view: { ...RENDERED, status: 'pwned' } }), /status: expected one of/);
    assert.match(problemOf({ type: 'valueOf' }), /unknown message type "valueOf"/);
  });
});
