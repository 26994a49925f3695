import * as assert from 'node:assert/strict';
import { computeQParams, intRange, ORT_SCALE_TINY, TORCH_SCALE_EPS } from '../../../src/core/quant/affine/qparams';

const f32 = Math.fround;

describe('intRange', () => {
  it('lecture and torch: full signed range symmetric, [0, 2^b - 1] asymmetric', () => {
    for (const c of ['lecture', 'torch'] as const) {
      assert.deepEqual(intRange(8, 'symmetric', c), { qmin: -128, qmax: 127 });
      assert.deepEqual(intRange(4, 'symmetric', c), { qmin: -8, qmax: 7 });
      assert.deepEqual(intRange(2, 'symmetric', c), { qmin: -2, qmax: 1 });
      assert.deepEqual(intRange(8, 'asymmetric', c), { qmin: 0, qmax: 255 });
      assert.deepEqual(intRange(3, 'asymmetric', c), { qmin: 0, qmax: 7 });
    }
  });

  it('onnxruntime: symmetric int8 restricted to [-127, 127], int4 full [-8, 7] (no INT4 symmetric range in ORT), others restricted', () => {
    assert.deepEqual(intRange(8, 'symmetric', 'onnxruntime'), { qmin: -127, qmax: 127 });
    assert.deepEqual(intRange(4, 'symmetric', 'onnxruntime'), { qmin: -8, qmax: 7 });
    assert.deepEqual(intRange(2, 'symmetric', 'onnxruntime'), { qmin: -1, qmax: 1 });
    assert.deepEqual(intRange(8, 'asymmetric', 'onnxruntime'), { qmin: 0, qmax: 255 });
  });
});

describe('computeQParams: the three conventions side by side', () => {
  it('symmetric int8 on [-2.54, 1]: lecture absmax/127, torch absmax/127.5, onnxruntime absmax/127 clamped at -127', () => {
    const lecture = computeQParams(-2.54, 1, 8, 'symmetric', 'lecture');
    const torch = computeQParams(-2.54, 1, 8, 'symmetric', 'torch');
    const ort = computeQParams(-2.54, 1, 8, 'symmetric', 'onnxruntime');
    assert.equal(lecture.scale, f32(2.54 / 127));
    assert.equal(torch.scale, f32(2.54 / 127.5));
    assert.equal(ort.scale, f32(2.54 / 127));
    assert.deepEqual([lecture.zeroPoint, torch.zeroPoint, ort.zeroPoint], [0, 0, 0]);
    assert.deepEqual([lecture.qmin, torch.qmin, ort.qmin], [-128, -128, -127]);
    assert.deepEqual([lecture.multiplyByInverse, torch.multiplyByInverse, ort.multiplyByInverse], [false, true, false]);
  });

  it('symmetric int4 on absmax 1.5: lecture /7, torch /7.5, onnxruntime 2*absmax/15 on [-8, 7]', () => {
    assert.equal(computeQParams(-1.5, 0.5, 4, 'symmetric', 'lecture').scale, f32(1.5 / 7));
    assert.equal(computeQParams(-1.5, 0.5, 4, 'symmetric', 'torch').scale, f32(1.5 / 7.5));
    const ort = computeQParams(-1.5, 0.5, 4, 'symmetric', 'onnxruntime');
    assert.equal(ort.scale, f32(3 / 15));
    assert.equal(ort.zeroPoint, 0); // numpy.round(-0.5) = -0
    assert.ok(Object.is(ort.zeroPoint, 0));
  });

  it('asymmetric int8 on [-1, 3]: all three agree, zp = round(63.75) = 64', () => {
    for (const c of ['lecture', 'torch', 'onnxruntime'] as const) {
      const p = computeQParams(-1, 3, 8, 'asymmetric', c);
      assert.equal(p.scale, f32(4 / 255), c);
      assert.equal(p.zeroPoint, 64, c);
    }
  });

  it('asymmetric on all-positive [1, 2]: lecture keeps the range (zp = -255, not clamped); torch and onnxruntime widen to [0, 2]', () => {
    const lecture = computeQParams(1, 2, 8, 'asymmetric', 'lecture');
    assert.equal(lecture.scale, f32(1 / 255));
    assert.equal(lecture.zeroPoint, -255);
    const torch = computeQParams(1, 2, 8, 'asymmetric', 'torch');
    assert.equal(torch.scale, f32(2 / 255));
    assert.equal(torch.zeroPoint, 0);
    const ort = computeQParams(1, 2, 8, 'asymmetric', 'onnxruntime');
    assert.equal(ort.scale, f32(2 / 255));
    assert.equal(ort.zeroPoint, 0);
  });

  it('asymmetric zero point ties: lecture round(-0.5 / s) half to even', () => {
    // min / scale = -2.5 exactly: scale = 1 over [-2.5, 252.5], zp = 0 - round(-2.5) = 2 (not 3).
    const p = computeQParams(-2.5, 252.5, 8, 'asymmetric', 'lecture');
    assert.equal(p.scale, 1);
    assert.equal(p.zeroPoint, 2);
  });

  it('torch clamps the zero point to [qmin, qmax]; all-negative data gives zp = qmax', () => {
    const p = computeQParams(-3, -1, 8, 'asymmetric', 'torch');
    assert.equal(p.scale, f32(3 / 255));
    assert.equal(p.zeroPoint, 255);
  });

  it('degenerate all-zero data: lecture scale 0, torch the float32 eps, onnxruntime scale 1; all flagged', () => {
    for (const mode of ['symmetric', 'asymmetric'] as const) {
      const l = computeQParams(0, 0, 8, mode, 'lecture');
      assert.deepEqual([l.scale, l.zeroPoint, l.degenerate], [0, 0, true]);
      const t = computeQParams(0, 0, 8, mode, 'torch');
      assert.deepEqual([t.scale, t.zeroPoint, t.degenerate], [TORCH_SCALE_EPS, 0, true]);
      const o = computeQParams(0, 0, 8, mode, 'onnxruntime');
      assert.deepEqual([o.scale, o.zeroPoint, o.degenerate], [1, 0, true]);
    }
  });

  it('constant data: degenerate for lecture asymmetric only (torch and onnxruntime widen to 0)', () => {
    assert.equal(computeQParams(0.5, 0.5, 8, 'asymmetric', 'lecture').degenerate, true);
    assert.equal(computeQParams(0.5, 0.5, 8, 'asymmetric', 'lecture').scale, 0);
    assert.equal(computeQParams(0.5, 0.5, 8, 'symmetric', 'lecture').degenerate, false);
    assert.equal(computeQParams(0.5, 0.5, 8, 'asymmetric', 'torch').degenerate, false);
    assert.equal(computeQParams(0.5, 0.5, 8, 'asymmetric', 'onnxruntime').degenerate, false);
  });

  it('torch floors tiny scales at float32 eps; onnxruntime treats scales below float32 tiny as degenerate', () => {
    const t = computeQParams(0, 1e-6, 8, 'asymmetric', 'torch');
    assert.equal(t.scale, TORCH_SCALE_EPS);
    assert.equal(t.degenerate, false);
    assert.equal(computeQParams(0, 1e-37, 8, 'asymmetric', 'onnxruntime').degenerate, true);
    assert.ok(ORT_SCALE_TINY < 1.2e-38);
  });
});
