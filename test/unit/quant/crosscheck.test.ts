import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeTensor } from '../../../src/core/analysis/analyzeTensor';
import { toFloat32 } from '../../../src/core/dtypes/contiguous';
import { openModel } from '../../../src/core/formats/registry';
import { HISTOGRAM_FLAGS, histogramChunk } from '../../../src/core/metrics/histogramKernel';
import { addToCalibration, binEdge, newCalibrationHistograms } from '../../../src/core/quant/ranges/calibrationHistogram';
import { modelOptEntropyAmax } from '../../../src/core/quant/ranges/entropyModelOpt';
import { percentileRange } from '../../../src/core/quant/ranges/percentile';
import type { Model, TensorEntry } from '../../../src/core/tensor';
import type { Convention, IntMode, IntResult, IntScheme } from '../../../src/shared/analysisTypes';

/**
 * QuantLens against torch 1.13 (and line-by-line numpy ports of onnxruntime and ModelOpt), from
 * the committed output of scripts/crosscheck/torch_weights.py (no Python at test time).
 */

const ROOT = path.join(__dirname, '..', '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');

interface Expected {
  readonly bits: number;
  readonly mode: IntMode;
  readonly granularity: 'tensor' | 'channel' | 'group';
  readonly axis: number | null;
  readonly groupSize: number | null;
  readonly mse: number;
  readonly maxAbsErr: number;
  readonly scaleMin: number;
  readonly scaleMax: number;
  readonly scale?: number;
  readonly zeroPoint?: number;
}

interface ExpectedTensor {
  readonly name: string;
  readonly shape: number[];
  readonly lecture: Expected[];
  readonly torch: Expected[];
  readonly onnxruntime: Expected[];
  readonly histogramObserver: { bits: number; mode: IntMode; min: number; max: number; scale: number; zeroPoint: number; mse: number; maxAbsErr: number }[];
  readonly ranges: { modelOptEntropy: { bits: number; bin: number }[]; percentile: { percentile: number; bin: number }[] };
}

interface ExpectedFile {
  readonly tensors: { mlp: ExpectedTensor[]; synthetic: ExpectedTensor[] };
  readonly histc: { tensor: string; absolute: number[]; signed: number[] };
}

const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'crosscheck', 'torch_expected.json'), 'utf8')) as ExpectedFile;

/** MSE agreement asked for: the sums differ only in float64 summation order. */
const MSE_RELATIVE = 1e-9;

function relClose(a: number, b: number, rel: number): boolean {
  return a === b || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
}

function scheme(e: Expected, convention: Convention, range = 'minmax'): IntScheme {
  return { kind: 'int', bits: e.bits, mode: e.mode, granularity: e.granularity, axis: e.axis ?? 0, groupSize: e.groupSize, range, convention };
}

function label(t: ExpectedTensor, e: Expected, convention: string): string {
  return `${t.name} ${convention} int${e.bits} ${e.mode} ${e.granularity}${e.axis !== null ? ` axis ${e.axis}` : ''}`;
}

async function readAll(entry: TensorEntry): Promise<Float32Array> {
  return toFloat32(await entry.data.read(0, entry.numel));
}

for (const [file, modelPath] of [['mlp', path.join(FIXTURES, 'mlp', 'mlp.safetensors')], ['synthetic', path.join(FIXTURES, 'crosscheck', 'synthetic.npz')]] as const) {
  describe(`cross-check with torch: ${file}`, function () {
    let model: Model;
    before(async () => {
      model = await openModel([modelPath]);
    });
    after(async () => model.close());

    const entryOf = (name: string): TensorEntry => {
      const t = model.tensors.find((x) => x.name === name);
      if (!t) throw new Error(`${name} not in ${modelPath}`);
      return t;
    };

    for (const t of expected.tensors[file]) {
      for (const convention of ['lecture', 'torch', 'onnxruntime'] as const) {
        it(`${t.name}: ${convention} scales and zero points exact, MSE to ${MSE_RELATIVE} relative`, async () => {
          const list = t[convention];
          const r = await analyzeTensor(entryOf(t.name), { schemes: list.map((e) => scheme(e, convention)), histogramBins: 0 });
          assert.equal(r.notApplicable, undefined);
          list.forEach((e, k) => {
            const got = r.results[k] as IntResult;
            const what = label(t, e, convention);
            if (e.scale !== undefined) {
              assert.equal(got.scale, e.scale, `${what}: scale`);
              assert.equal(got.zeroPoint, e.zeroPoint, `${what}: zero point`);
            }
            assert.equal(got.scaleMin, e.scaleMin, `${what}: scaleMin`);
            assert.equal(got.scaleMax, e.scaleMax, `${what}: scaleMax`);
            assert.ok(relClose(got.mse, e.mse, MSE_RELATIVE), `${what}: mse ${got.mse} vs torch ${e.mse}`);
            assert.equal(got.maxAbsErr, e.maxAbsErr, `${what}: maxAbsErr`);
          });
        });
      }

      it(`${t.name}: torch HistogramObserver range and qparams (8 bits)`, async () => {
        const schemes = t.histogramObserver.map((h) => ({ kind: 'int' as const, bits: 8, mode: h.mode, granularity: 'tensor' as const, axis: 0, groupSize: null, range: 'histogram', convention: 'torch' as const }));
        const r = await analyzeTensor(entryOf(t.name), { schemes, histogramBins: 0 });
        t.histogramObserver.forEach((h, k) => {
          const got = r.results[k] as IntResult;
          assert.equal(got.scale, h.scale, `${t.name} ${h.mode}: scale`);
          assert.equal(got.zeroPoint, h.zeroPoint, `${t.name} ${h.mode}: zero point`);
          assert.ok(relClose(got.mse, h.mse, MSE_RELATIVE), `${t.name} ${h.mode}: mse ${got.mse} vs ${h.mse}`);
        });
      });

      it(`${t.name}: ModelOpt entropy and onnxruntime percentile pick the same bins`, async () => {
        const x = await readAll(entryOf(t.name));
        let min = Infinity;
        let max = -Infinity;
        for (const v of x) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        const h = newCalibrationHistograms(min, max);
        addToCalibration(h, x, 0, x.length);
        for (const { bits, bin } of t.ranges.modelOptEntropy) {
          assert.equal(modelOptEntropyAmax(h.absolute, bits, false), binEdge(h.absolute, bin), `${t.name}: entropy int${bits}`);
        }
        for (const { percentile, bin } of t.ranges.percentile) {
          const a = binEdge(h.absolute, bin);
          const range = percentileRange(percentile, h, min, max, 'symmetric');
          assert.deepEqual(range, { min: Math.max(-a, min), max: Math.min(a, max) }, `${t.name}: percentile ${percentile}`);
        }
      });
    }

    if (file === 'mlp') {
      it(`histogram bins equal torch.histc's (${expected.histc.tensor}, 2048 bins of x and |x|)`, async () => {
        const x = await readAll(entryOf(expected.histc.tensor));
        const absMax = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        const min = x.reduce((m, v) => Math.min(m, v), Infinity);
        const max = x.reduce((m, v) => Math.max(m, v), -Infinity);
        const abs = new Float64Array(2048);
        histogramChunk(x, 0, x.length, 0, absMax, abs, HISTOGRAM_FLAGS.ABSOLUTE);
        const signed = new Float64Array(2048);
        histogramChunk(x, 0, x.length, min, max, signed, 0);
        assert.deepEqual(Array.from(abs), expected.histc.absolute);
        assert.deepEqual(Array.from(signed), expected.histc.signed);
      });
    }
  });
}
