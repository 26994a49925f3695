import * as assert from 'assert';
import { INSPECTOR_VALIDATORS, type InspectorContext } from '../../../src/extension/messages/inspectorMessages';
import { validateMessage } from '../../../src/extension/messages/validateMessage';
import { DEFAULT_CALIB_SETTINGS, DEFAULT_PTQ_SETTINGS } from '../../../src/shared/calibPanelProtocol';
import { EMPTY_PLAN_RENDERED } from '../../../src/shared/planPanelProtocol';
import type { SchemeSelection } from '../../../src/shared/schemeSelection';
import type { RenderedView, WebviewToHost } from '../../../src/shared/webviewProtocol';

const ctx: InspectorContext = { tensorNames: new Set(['model.embed.weight', 'lm_head.weight']) };

const SELECTION: SchemeSelection = {
  bits: [8, 4], modes: ['symmetric', 'asymmetric'], granularities: ['tensor', 'group'], groupSize: 128,
  ranges: ['minmax', 'percentile:99.9'], convention: 'lecture', formats: ['q4_0'],
};

const RENDERED: RenderedView = {
  tab: 'tensor', tensorsListed: 2, resultRows: 4, selectedTensor: 'lm_head.weight', chartsDrawn: 3, analysisError: null,
  tensorView: { rangeMethods: ['minmax'], blockChart: 'group' },
  calib: { activationRows: 0, selectedActivation: null, ptqRuns: 0, calibrationError: null, ptqError: null },
  plan: { ...EMPTY_PLAN_RENDERED, rows: 3, planBytes: 5_000_000_000, planLabel: 'Q4_K_M' },
};

/** One valid instance of every message the inspector webview sends (what webview/*.ts posts). */
const VALID: readonly WebviewToHost[] = [
  { type: 'ready' },
  { type: 'analyze', selection: SELECTION },
  { type: 'analyze', selection: { ...SELECTION, axis: 1 } },
  { type: 'cancel' },
  { type: 'export', format: null },
  { type: 'export', format: 'csv' },
  { type: 'reopenWithDefault' },
  { type: 'requestBlockStats', request: { tensor: 'lm_head.weight', granularity: 'group', groupSize: 32 } },
  { type: 'requestBlockStats', request: { tensor: 'model.embed.weight', granularity: 'channel', groupSize: null } },
  { type: 'requestHistograms', request: { tensor: 'lm_head.weight', config: 'int4 asym group128 percentile:99.9' } },
  { type: 'rendered', view: RENDERED },
  { type: 'calibrate', settings: DEFAULT_CALIB_SETTINGS },
  { type: 'cancelCalibration' },
  { type: 'exportCalibration', format: 'tensorrt', method: 'percentile:99.99' },
  { type: 'simulatePtq', settings: DEFAULT_PTQ_SETTINGS },
  { type: 'simulatePtq', settings: { weights: ['int4:asymmetric:group:64'], activations: ['int8:entropy'] } },
  { type: 'cancelPtq' },
  { type: 'plan', settings: null },
  { type: 'plan', settings: { target: 'llama.cpp', plan: { kind: 'preset', preset: 'Q4_K_M' }, reference: 'Q8_0' } },
  { type: 'plan', settings: { target: 'llama.cpp', plan: { kind: 'budget', unit: 'bpw', value: 4.8 }, reference: 'Q4_K_M' } },
  { type: 'plan', settings: { target: 'llama.cpp', plan: { kind: 'budget', unit: 'bytes', value: 4_000_000_000 }, reference: 'Q4_K_M' } },
  { type: 'planExportPreview', target: 'llama.cpp' },
  { type: 'planExportSave' },
  { type: 'planComputeErrors' },
  { type: 'planCancelErrors' },
  { type: 'planRefit', refit: { preset: 'Q4_K_M', measured: 0.042 } },
  { type: 'planRefit', refit: null },
  { type: 'planPickImatrix' },
  { type: 'planClearImatrix' },
];

function problemOf(raw: unknown): string {
  const v = validateMessage(raw, INSPECTOR_VALIDATORS, ctx);
  assert.ok(!v.ok, `accepted ${JSON.stringify(raw)?.slice(0, 200)}`);
  return v.problem;
}

/** `base` with the value at `path` (dot-separated keys) replaced. */
function withField(base: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[keys[keys.length - 1]!] = value;
  return copy;
}

describe('extension: webview messages are validated before use', () => {
  it('accepts every message type the webview sends, rebuilt equal but not the same object', () => {
    const tags = new Set(VALID.map((m) => m.type));
    assert.deepStrictEqual([...tags].sort(), Object.keys(INSPECTOR_VALIDATORS).sort(), 'one valid example per validator');
    for (const m of VALID) {
      const cloned = structuredClone(m);
      const v = validateMessage(cloned, INSPECTOR_VALIDATORS, ctx);
      assert.ok(v.ok, `${m.type}: ${v.ok ? '' : v.problem}`);
      assert.deepStrictEqual(v.message, m);
      assert.notStrictEqual(v.message, cloned);
    }
  });

  it('refuses what is not a message, and unknown or inherited type tags', () => {
    for (const raw of [null, undefined, 42, 'ready', ['ready'], new Date(0)]) assert.match(problemOf(raw), /not a message object/);
    assert.match(problemOf({}), /without a string type/);
    assert.match(problemOf({ type: 7 }), /without a string type/);
    for (const type of ['nope', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      assert.match(problemOf({ type }), /unknown message type/, type);
    }
    assert.match(problemOf(Object.create({ type: 'ready' })), /not a message object/);
  });

  it('refuses extra keys, prototype-pollution keys included, at any depth', () => {
    assert.match(problemOf({ type: 'cancel', path: '/etc/passwd' }), /unexpected key "path"/);
    assert.match(problemOf(JSON.parse('{"type":"ready","__proto__":{"polluted":true}}')), /unexpected key "__proto__"/);
    assert.match(problemOf(JSON.parse(`{"type":"analyze","selection":${JSON.stringify({ ...SELECTION, constructor: { prototype: { x: 1 } } })}}`)), /unexpected key "constructor"/);
    assert.match(problemOf({ type: 'export', format: 'csv', file: '../../x.csv' }), /unexpected key "file"/);
    assert.strictEqual(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('refuses non-finite, fractional and out-of-range numbers', () => {
    const analyze = { type: 'analyze', selection: SELECTION };
    for (const [path, value, why] of [
      ['selection.bits', [NaN], /expected an integer, got NaN/],
      ['selection.bits', [Infinity], /expected an integer/],
      ['selection.bits', [16], /outside 2..8/],
      ['selection.bits', [4.5], /expected an integer/],
      ['selection.bits', ['8'], /expected an integer, got "8"/],
      ['selection.groupSize', 0, /outside 1..1048576/],
      ['selection.groupSize', 2 ** 40, /outside/],
      ['selection.groupSize', -Infinity, /expected an integer/],
      ['selection.axis', -1, /outside 0..63/],
      ['selection.bits', new Array(100).fill(8), /100 items exceed/],
    ] as const) {
      assert.match(problemOf(withField(analyze, path, value)), why, path);
    }
    assert.match(problemOf({ type: 'calibrate', settings: { ...DEFAULT_CALIB_SETTINGS, bits: NaN } }), /settings\.bits: expected an integer/);
    assert.match(problemOf({ type: 'rendered', view: { ...RENDERED, resultRows: -1 } }), /resultRows: -1 is outside/);
    assert.match(problemOf({ type: 'rendered', view: { ...RENDERED, chartsDrawn: Infinity } }), /chartsDrawn: expected an integer/);
    assert.match(problemOf({ type: 'requestBlockStats', request: { tensor: 'lm_head.weight', granularity: 'group', groupSize: 1.5 } }), /groupSize: expected an integer/);
  });

  it('parses schemes, range methods and PTQ configs with the shared grammars', () => {
    const analyze = { type: 'analyze', selection: SELECTION };
    assert.match(problemOf(withField(analyze, 'selection.ranges', ['percentile:150'])), /percentile must be a number in \(0, 100\]/);
    assert.match(problemOf(withField(analyze, 'selection.ranges', ['maxmin'])), /unknown method 'maxmin'/);
    assert.match(problemOf(withField(analyze, 'selection.modes', ['signed'])), /expected one of symmetric, asymmetric/);
    assert.match(problemOf(withField(analyze, 'selection.formats', ['q9_9'])), /formats\[0\]: expected one of/);
    assert.match(problemOf(withField(analyze, 'selection.convention', 'tensorflow')), /convention: expected one of/);
    assert.match(problemOf({ type: 'exportCalibration', format: 'ort', method: 'percentile:NaN' }), /method: percentile must be/);
    assert.match(problemOf({ type: 'exportCalibration', format: 'onnx', method: 'minmax' }), /format: expected one of/);
    assert.match(problemOf({ type: 'simulatePtq', settings: { weights: ['int16'], activations: [] } }), /weights\[0\]: --weights int16: expected int2..int8 first/);
    assert.match(problemOf({ type: 'simulatePtq', settings: { weights: [], activations: ['uint8:nope'] } }), /unknown range method nope/);
  });

  it('refuses tensor names the opened file does not have, and huge strings before looking them up', () => {
    const request = (tensor: unknown): unknown => ({ type: 'requestBlockStats', request: { tensor, granularity: 'channel', groupSize: null } });
    assert.match(problemOf(request('missing.weight')), /request\.tensor: no such tensor in this file/);
    assert.match(problemOf(request('../../../etc/passwd')), /no such tensor/);
    assert.match(problemOf(request('x'.repeat(1_000_000))), /string of 1000000 chars exceeds 4096/);
    assert.match(problemOf(request(['lm_head.weight'])), /expected a string, got an array/);
    assert.match(problemOf({ type: 'rendered', view: { ...RENDERED, selectedTensor: 'ghost' } }), /selectedTensor: no such tensor/);
    assert.match(problemOf({ type: 'requestBlockStats', request: { tensor: 'lm_head.weight', granularity: 'channel', groupSize: 32 } }), /groupSize is set for group, null for channel/);
    assert.match(problemOf({ type: 'requestHistograms', request: { tensor: 'ghost', config: 'int8 sym tensor' } }), /request\.tensor: no such tensor/);
    assert.match(problemOf({ type: 'requestHistograms', request: { tensor: 'lm_head.weight', config: 'x'.repeat(100_000) } }), /request\.config: string of 100000 chars exceeds 256/);
  });

  it('refuses plan settings that are not table names, unknown plan kinds and budgets out of range', () => {
    const plan = (p: unknown, target: unknown = 'llama.cpp'): unknown => ({ type: 'plan', settings: { target, plan: p, reference: 'Q8_0' } });
    assert.match(problemOf(plan({ kind: 'preset', preset: '../../etc/passwd' })), /preset: not a target or preset name/);
    assert.match(problemOf(plan({ kind: 'preset', preset: 'Q4_K_M' }, '/usr/bin/llama-quantize')), /target: not a target or preset name/);
    assert.match(problemOf(plan({ kind: 'script', preset: 'Q4_K_M' })), /plan\.kind: expected one of preset, budget/);
    assert.match(problemOf(plan({ kind: 'budget', unit: 'bpw', value: NaN })), /value: expected a finite number, got NaN/);
    assert.match(problemOf(plan({ kind: 'budget', unit: 'bpw', value: 0 })), /a budget must be above 0/);
    assert.match(problemOf(plan({ kind: 'budget', unit: 'bpw', value: 1e308 })), /outside 0..64/);
    assert.match(problemOf(plan({ kind: 'budget', unit: 'bytes', value: 1.5 })), /expected an integer/);
    assert.match(problemOf(plan({ kind: 'budget', unit: 'bytes', value: 100, preset: 'Q4_0' })), /unexpected key "preset"/);
    assert.match(problemOf({ type: 'planExportSave', path: '/tmp/x.txt' }), /unexpected key "path"/);
    assert.match(problemOf({ type: 'planPickImatrix', file: '/tmp/other.imatrix.gguf' }), /unexpected key "file"/);
    assert.match(problemOf({ type: 'planRefit', refit: { preset: 'Q4_K_M', measured: -1 } }), /measured: /);
    assert.match(problemOf({ type: 'planRefit', refit: { preset: 'Q4_K_M', measured: Infinity } }), /measured: expected a finite number/);
    assert.match(problemOf({ type: 'planRefit', refit: { preset: '../x', measured: 1 } }), /preset: not a target or preset name/);
    assert.match(problemOf({ type: 'planComputeErrors', imatrix: '/etc/passwd' }), /unexpected key "imatrix"/);
    assert.match(problemOf({ type: 'rendered', view: { ...RENDERED, plan: { ...RENDERED.plan, diffMode: 'yes' } } }), /diffMode: expected true or false/);
  });

  it('keeps every refusal to one short line', () => {
    const huge = 'A'.repeat(10_000_000);
    for (const raw of [{ type: huge }, { type: 'ready', [huge]: 1 }, { type: 'analyze', selection: { ...SELECTION, ranges: [huge] } }]) {
      const problem = problemOf(raw);
      assert.ok(problem.length < 300 && !problem.includes('\n'), problem.slice(0, 300));
    }
  });
});
