import type { Convention, IntMode } from '../../../shared/analysisTypes';
import { roundHalfEven } from '../../numeric/rounding';

const f32 = Math.fround;

/** torch: observer.py `self.eps = torch.finfo(torch.float32).eps`, the floor of every torch scale. */
export const TORCH_SCALE_EPS = 2 ** -23;
/** onnxruntime: quant_utils.py compute_scale_zp: a scale below numpy.finfo(float32).tiny becomes 1. */
export const ORT_SCALE_TINY = 2 ** -126;

/** Scale and zero point for one range, plus how the round trip must be computed. */
export interface QParams {
  readonly scale: number;
  readonly zeroPoint: number;
  readonly qmin: number;
  readonly qmax: number;
  /** Nothing to spread over the levels (all-zero data; constant data when asymmetric, lecture). */
  readonly degenerate: boolean;
  /** torch's fake_quantize multiplies by f32(1/scale); lecture and onnxruntime divide. */
  readonly multiplyByInverse: boolean;
}

export interface IntRange {
  readonly qmin: number;
  readonly qmax: number;
}

/** Integer range of `bits` under a convention and mode. */
export function intRange(bits: number, mode: IntMode, convention: Convention): IntRange {
  const half = 2 ** (bits - 1);
  if (mode === 'asymmetric') return { qmin: 0, qmax: 2 * half - 1 };
  if (convention !== 'onnxruntime') return { qmin: -half, qmax: half - 1 };
  // onnxruntime: ONNX_INT_TYPE_SYMMETRIC_RANGE restricts INT8 to [-127, 127]; INT4 has no entry,
  // so ORT's symmetric int4 uses the full ONNX_INT_TYPE_RANGE [-8, 7]. Other widths follow INT8.
  if (bits === 4) return { qmin: -8, qmax: 7 };
  return { qmin: -(half - 1), qmax: half - 1 };
}

/**
 * qparams for the range [min, max] (float32 values) under a convention, computed with the
 * precision of the tool it follows (float32 tensors for lecture and torch, float64 then a
 * float32 scale for onnxruntime).
 */
export function computeQParams(min: number, max: number, bits: number, mode: IntMode, convention: Convention): QParams {
  const { qmin, qmax } = intRange(bits, mode, convention);
  switch (convention) {
    case 'lecture': return lectureQParams(min, max, qmin, qmax, mode);
    case 'torch': return torchQParams(min, max, qmin, qmax, mode);
    case 'onnxruntime': return ortQParams(min, max, qmin, qmax, mode);
  }
}

/** CLI.md "lecture": symmetric scale = max|x| / qmax; asymmetric zp = qmin - round(min / scale), not clamped; range not widened to 0. */
function lectureQParams(min: number, max: number, qmin: number, qmax: number, mode: IntMode): QParams {
  if (mode === 'symmetric') {
    const scale = f32(Math.max(Math.abs(min), Math.abs(max)) / qmax);
    return { scale, zeroPoint: 0, qmin, qmax, degenerate: scale === 0, multiplyByInverse: false };
  }
  const scale = f32(f32(max - min) / (qmax - qmin));
  if (scale === 0) return { scale: 0, zeroPoint: 0, qmin, qmax, degenerate: true, multiplyByInverse: false };
  const zeroPoint = f32(qmin - roundHalfEven(f32(min / scale)));
  return { scale, zeroPoint, qmin, qmax, degenerate: false, multiplyByInverse: false };
}

/** torch: observer.py _calculate_qparams (qint8 symmetric, quint8 affine; custom quant_min/quant_max for other widths). */
function torchQParams(min: number, max: number, qmin: number, qmax: number, mode: IntMode): QParams {
  const minNeg = Math.min(min, 0);
  const maxPos = Math.max(max, 0);
  if (mode === 'symmetric') {
    const raw = f32(Math.max(-minNeg, maxPos) / f32((qmax - qmin) / 2));
    return { scale: Math.max(raw, TORCH_SCALE_EPS), zeroPoint: 0, qmin, qmax, degenerate: raw === 0, multiplyByInverse: true };
  }
  const raw = f32(f32(maxPos - minNeg) / (qmax - qmin));
  const scale = Math.max(raw, TORCH_SCALE_EPS);
  const zp = qmin - roundHalfEven(f32(minNeg / scale));
  const zeroPoint = Math.min(Math.max(zp, qmin), qmax);
  return { scale, zeroPoint, qmin, qmax, degenerate: raw === 0, multiplyByInverse: true };
}

/** onnxruntime: quant_utils.py compute_scale_zp (range widened to 0, scale in float64 then stored as float32). */
function ortQParams(min: number, max: number, qmin: number, qmax: number, mode: IntMode): QParams {
  let rmin = Math.min(min, 0);
  let rmax = Math.max(max, 0);
  if (mode === 'symmetric') {
    const absMax = Math.max(Math.abs(rmin), Math.abs(rmax));
    rmin = -absMax;
    rmax = absMax;
  }
  const scale64 = f32(rmax - rmin) / (qmax - qmin);
  if (scale64 < ORT_SCALE_TINY) return { scale: 1, zeroPoint: 0, qmin, qmax, degenerate: true, multiplyByInverse: false };
  // Symmetric: zero point round((qmin + qmax) / 2), independent of the scale (0 for int8; round(-0.5) = 0 for int4).
  const zeroPoint = mode === 'symmetric' ? roundHalfEven((qmin + qmax) / 2) + 0 : roundHalfEven(qmin - rmin / scale64);
  return { scale: f32(scale64), zeroPoint, qmin, qmax, degenerate: false, multiplyByInverse: false };
}
