import { FP4_E2M1, FP8_E4M3, roundToMinifloat } from './minifloat';

/**
 * NVIDIA NVFP4 as ModelOpt quantizes weights (modelopt/torch/quantization/qtensor/nvfp4_tensor.py,
 * NVFP4QTensor.get_weights_scaling_factor_2 / get_weights_scaling_factor / quantize, dynamic path):
 * a float32 tensor scale s2 = amax / (6 * 448); per block of 16 along the last axis a scale
 * block_amax / (6 * s2) (0 -> 1) cast to FP8 E4M3; values x / (float32(scale) * s2) cast to E2M1
 * (round half to even, saturating at 6); the value back is e2m1 * (scale * s2). Arithmetic in
 * float32 as torch does it. The codec of the stored form is core/decode/nvfp4.ts.
 */

/** Largest E2M1 and FP8 E4M3 magnitudes. // nvfp4_tensor.py FP4_E2M1_MAX, FP8_E4M3_MAX */
const E2M1_MAX = 6;
const E4M3_MAX = 448;

/** The per-tensor float32 scale (weight_scale_2) from the tensor's largest finite magnitude. */
export function nvfp4TensorScale(absMax: number): number {
  return Math.fround(absMax / (E2M1_MAX * E4M3_MAX));
}

/** The block's FP8 E4M3 scale (as a number) for its largest magnitude. */
export function nvfp4BlockScale(blockAbsMax: number, tensorScale: number): number {
  const scale = Math.fround(blockAbsMax / Math.fround(E2M1_MAX * tensorScale));
  // all-zero blocks (and a zero tensor scale) get 1, as the source sets them
  return roundToMinifloat(scale === 0 || !Number.isFinite(scale) ? 1 : scale, FP8_E4M3);
}

/** Round trip of one block x[from..to) into deq; returns the block's FP8 scale. Non-finite values pass through. */
export function nvfp4RoundTripBlock(x: Float32Array, deq: Float32Array, from: number, to: number, tensorScale: number): number {
  let amax = 0;
  for (let i = from; i < to; i++) {
    const a = Math.abs(x[i]!);
    if (a > amax && a !== Infinity) amax = a;
  }
  const scale = nvfp4BlockScale(amax, tensorScale);
  const step = Math.fround(scale * tensorScale);
  for (let i = from; i < to; i++) {
    const v = x[i]!;
    if (v - v !== 0) deq[i] = v;
    else if (step === 0) deq[i] = 0;
    else deq[i] = roundToMinifloat(Math.fround(v / step), FP4_E2M1) * step;
  }
  return scale;
}
