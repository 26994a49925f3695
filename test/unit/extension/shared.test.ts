import * as assert from 'assert';
import { createHash } from 'crypto';
import { renderHtml } from '../../../src/core/report/html';
import type { AnalysisReport, ModelSummary } from '../../../src/shared/analysisTypes';
import { blockPrefix, layerGroup, tensorRole } from '../../../src/shared/layerGroups';
import { expandSelection, selectionFromSchemes, selectionProblem, type SchemeSelection } from '../../../src/shared/schemeSelection';
import { storageTable } from '../../../src/shared/storageSizes';

const SELECTION: SchemeSelection = {
  bits: [8, 4], modes: ['symmetric', 'asymmetric'], granularities: ['tensor', 'group'], groupSize: 64,
  ranges: ['minmax', 'mse'], convention: 'lecture', formats: ['q4_k'],
};

const SUMMARY: ModelSummary = {
  file: 'm.safetensors', format: 'safetensors', metadata: {}, sizeOnDisk: 4000,
  tensors: [
    { name: 'model.layers.3.self_attn.q_proj.weight', dtype: 'F32', shape: [10, 100], numel: 1000, byteLength: 4000, source: 'm' },
    { name: 'ids', dtype: 'I64', shape: [0], numel: 0, byteLength: 0, source: 'm' },
  ],
};

describe('extension shared helpers', () => {
  it('expands a selection into every integer scheme (granularity, range, bits, mode: the CLI order), then the formats, and back', () => {
    const expansion = expandSelection(SELECTION);
    assert.ok(expansion.ok);
    const schemes = expansion.schemes;
    // Both range methods per tensor and per group (the core runs mse per group on each group's values).
    assert.strictEqual(schemes.length, 2 * 2 * (2 + 2) + 1);
    assert.deepStrictEqual(schemes[1], { kind: 'int', bits: 8, mode: 'asymmetric', granularity: 'tensor', groupSize: null, axis: 0, range: 'minmax', convention: 'lecture' });
    assert.deepStrictEqual(schemes[2], { kind: 'int', bits: 4, mode: 'symmetric', granularity: 'tensor', groupSize: null, axis: 0, range: 'minmax', convention: 'lecture' });
    assert.deepStrictEqual(schemes[4], { kind: 'int', bits: 8, mode: 'symmetric', granularity: 'tensor', groupSize: null, axis: 0, range: 'mse', convention: 'lecture' });
    assert.deepStrictEqual(schemes[8], { kind: 'int', bits: 8, mode: 'symmetric', granularity: 'group', groupSize: 64, axis: 0, range: 'minmax', convention: 'lecture' });
    assert.deepStrictEqual(schemes[16], { kind: 'format', format: 'q4_k' });
    assert.deepStrictEqual(selectionFromSchemes(schemes, SELECTION), SELECTION);
  });

  it('refuses an empty selection and a bad group size', () => {
    assert.match(selectionProblem({ ...SELECTION, bits: [], formats: [] }) ?? '', /at least one/);
    assert.match(selectionProblem({ ...SELECTION, groupSize: 0 }) ?? '', /group size 0 is not an integer 1\.\.1048576/);
    assert.match(selectionProblem({ ...SELECTION, ranges: [], formats: [] }) ?? '', /range method/);
    assert.strictEqual(selectionProblem(SELECTION), null);
  });

  it('sizes the model under each storage type against the file', () => {
    const rows = storageTable(SUMMARY, ['q4_k']);
    const int4 = rows.find((r) => r.label === 'INT4');
    assert.strictEqual(int4?.bytes, 500);
    assert.strictEqual(int4?.compression, 8);
    assert.strictEqual(rows.find((r) => r.label === 'q4_k')?.bytes, 563);
  });

  it('groups tensor names into roles and blocks', () => {
    assert.strictEqual(layerGroup('blk.0.attn_norm.weight'), 'norms');
    assert.strictEqual(layerGroup('model.layers.3.mlp.up_proj.weight'), 'mlp');
    assert.strictEqual(layerGroup('model.embed_tokens.weight'), 'embeddings');
    assert.strictEqual(tensorRole('fc1.bias', [256]), 'bias');
    assert.strictEqual(blockPrefix('model.layers.12.self_attn.q_proj.weight'), 'model.layers.12');
    assert.strictEqual(blockPrefix('fc1.weight'), 'fc1');
  });

  it('renders an HTML report whose CSP hashes match its inline script and style', () => {
    const expansion = expandSelection(SELECTION);
    const report: AnalysisReport = {
      file: '/x/m.safetensors', format: 'safetensors', convention: 'lecture', quantlensVersion: '0.1.0',
      options: { schemes: expansion.ok ? expansion.schemes : [], histogramBins: 16 }, tensors: [], skipped: [],
    };
    const html = renderHtml(report, SUMMARY, { script: 'console.log("</script>")', css: 'body{}', themeCss: ':root{}' });
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const hash = (s: string): string => createHash('sha256').update(s).digest('base64');
    assert.ok(html.includes(`script-src 'sha256-${hash(script)}'`), 'script hash');
    assert.ok(html.includes(`style-src 'sha256-${hash(style)}'`), 'style hash');
    assert.ok(!script.includes('</script'), 'script cannot close its element early');
    const data = /<script type="application\/json" id="quantlens-report-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '[]';
    assert.strictEqual((JSON.parse(data) as { type: string }[])[0]?.type, 'init');
  });
});
