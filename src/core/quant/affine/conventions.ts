import type { Convention } from '../../../shared/analysisTypes';

/**
 * The integer affine conventions (widths 2..8, symmetric or asymmetric, per tensor / channel /
 * group), one entry each like ggml's type_traits: the formulas qparams.ts implements.
 */
export interface ConventionTraits {
  readonly convention: Convention;
  readonly symmetricRange: string;
  readonly asymmetricRange: string;
  readonly scale: string;
  readonly zeroPoint: string;
  /** How x / scale is formed before rounding half to even. */
  readonly quantize: string;
  readonly source: string;
}

export const CONVENTION_TRAITS: Readonly<Record<Convention, ConventionTraits>> = {
  lecture: {
    convention: 'lecture',
    symmetricRange: '[-2^(b-1), 2^(b-1) - 1]',
    asymmetricRange: '[0, 2^b - 1]',
    scale: 'symmetric max|x| / qmax; asymmetric (max - min) / (qmax - qmin); range not widened to 0',
    zeroPoint: 'symmetric 0; asymmetric qmin - round(min / scale), not clamped',
    quantize: 'round(x / scale) + zp, float32 division',
    source: 'CLI.md Conventions',
  },
  torch: {
    convention: 'torch',
    symmetricRange: '[-2^(b-1), 2^(b-1) - 1] (qint8 and custom quant_min/quant_max)',
    asymmetricRange: '[0, 2^b - 1] (quint8 and custom quant_min/quant_max)',
    scale: 'range widened to 0; symmetric max(-min, max) / ((qmax - qmin) / 2); asymmetric (max - min) / (qmax - qmin); floored at float32 eps',
    zeroPoint: 'symmetric 0; asymmetric clamp(qmin - round(min / scale), qmin, qmax)',
    quantize: 'nearbyint(x * f32(1 / scale)) + zp (fake_quantize_per_tensor_affine / per_channel)',
    source: 'torch/ao/quantization/observer.py _calculate_qparams; ATen fake_quantize kernels',
  },
  onnxruntime: {
    convention: 'onnxruntime',
    symmetricRange: 'int8 [-127, 127]; int4 [-8, 7]; other widths [-(2^(b-1) - 1), 2^(b-1) - 1]',
    asymmetricRange: '[0, 2^b - 1] (uint8, uint4)',
    scale: 'range widened to 0 (symmetric: to ±absmax); (rmax - rmin) / (qmax - qmin) in float64, stored as float32; below float32 tiny -> 1',
    zeroPoint: 'symmetric round((qmin + qmax) / 2); asymmetric round(qmin - rmin / scale)',
    quantize: 'round(x / scale) + zp, float32 division (quantize_nparray)',
    source: 'onnxruntime/python/tools/quantization/quant_utils.py compute_scale_zp, get_qmin_qmax_for_qType',
  },
};
