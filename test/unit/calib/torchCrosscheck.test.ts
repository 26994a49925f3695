import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCalibration } from '../../../src/core/calib/runCalibration';
import { computeQParams } from '../../../src/core/quant/affine/qparams';
import type { CalibrationReport } from '../../../src/shared/calibTypes';
import { ORT_SUITE_TIMEOUT_MS } from './slow';

const ROOT = path.join(__dirname, '..', '..', '..');

interface TorchQParams { scale: number; zeroPoint: number; min?: number; max?: number }
const TORCH = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/calib/torch_calib.json'), 'utf8')) as {
  calibration: { batch: number };
  activations: Record<string, { minmax: Required<TorchQParams>; histogram: TorchQParams; histogram_torch113: TorchQParams }>;
};
/** The brief: histogram qparams within 2 % of torch's scale. */
const HISTOGRAM_SCALE_TOLERANCE = 0.02;
/**
 * onnxruntime and torch accumulate the Gemm sums in different orders: activations differ in the
 * last bits of float32 (measured: 1 ulp at |x| ~ 16, 3e-7 relative).
 */
const GEMM_RELATIVE_TOLERANCE = 1e-6;

describe('cross-check with torch observers (scripts/crosscheck/torch_calib.py)', function () {
  this.timeout(ORT_SUITE_TIMEOUT_MS);
  let report: CalibrationReport;
  before(async () => {
    report = await runCalibration(path.join(ROOT, 'samples/mlp/model.onnx'),
      { path: path.join(ROOT, 'samples/mlp/calib.npy'), inputKey: null, synthetic: null, samples: null, shapes: {}, seed: 0 },
      { batch: TORCH.calibration.batch, methods: ['minmax', 'histogram'], bits: 8, mode: 'asymmetric', convention: 'torch', threads: null });
  });

  it('observes every activation torch observed', () => {
    assert.deepEqual(report.activations.map((a) => a.name), Object.keys(TORCH.activations));
  });

  it('minmax: MinMaxObserver quint8 qparams exactly from the same range; same zero points and ranges to float32 rounding', () => {
    for (const a of report.activations) {
      const t = TORCH.activations[a.name]!.minmax;
      const fromTorchRange = computeQParams(t.min, t.max, 8, 'asymmetric', 'torch');
      assert.equal(fromTorchRange.scale, t.scale, a.name);
      assert.equal(fromTorchRange.zeroPoint, t.zeroPoint, a.name);
      const ours = a.methods.minmax!;
      assert.equal(ours.zeroPoint, t.zeroPoint, a.name);
      assert.ok(Math.abs(a.min - t.min) <= GEMM_RELATIVE_TOLERANCE * Math.abs(t.min) && Math.abs(a.max - t.max) <= GEMM_RELATIVE_TOLERANCE * Math.abs(t.max), `${a.name}: [${a.min}, ${a.max}] vs torch [${t.min}, ${t.max}]`);
      assert.ok(Math.abs(ours.scale / t.scale - 1) <= GEMM_RELATIVE_TOLERANCE, a.name);
    }
    // Where no Gemm sits before the activation, the values are identical and so are the qparams.
    const flatten = report.activations[0]!.methods.minmax!;
    assert.deepEqual([flatten.scale, flatten.zeroPoint], [TORCH.activations['/Flatten_output_0']!.minmax.scale, TORCH.activations['/Flatten_output_0']!.minmax.zeroPoint]);
  });

  it('histogram: HistogramObserver quint8 (torch >= 2.1 combine) within 2 % of scale, same zero point', () => {
    for (const a of report.activations) {
      const t = TORCH.activations[a.name]!.histogram;
      const ours = a.methods.histogram!;
      const rel = Math.abs(ours.scale / t.scale - 1);
      assert.ok(rel <= HISTOGRAM_SCALE_TOLERANCE, `${a.name}: scale ${ours.scale} vs torch ${t.scale} (${(rel * 100).toFixed(3)} %)`);
      assert.ok(Math.abs(ours.zeroPoint - t.zeroPoint) <= 1, `${a.name}: zero point ${ours.zeroPoint} vs ${t.zeroPoint}`);
    }
  });
});
