/**
 * How each tool turns one run of weights sharing a scale (a group along the row, a row, or the
 * whole tensor) into integers and back: its scale formula, rounding mode, clamp range, and the
 * float type its scale, zero point and arithmetic live in. One row per tool convention; the
 * targets' int candidates name their row, and the plan's round trip (errors/roundTrip.ts) runs it.
 */
import { roundHalfEven } from '../numeric/rounding';
import { BF16, FP16, roundToMinifloat } from '../quant/formats/minifloat';

const f32 = Math.fround;

/** The tools' integer conventions (the `convention` of an int candidate). */
export const INT_CONVENTION_NAMES = ['matmulnbits', 'qdq', 'tinygemm', 'torchao-int8', 'modelopt', 'compressed-tensors'] as const;
export type IntConventionName = (typeof INT_CONVENTION_NAMES)[number];

/** The float type a tool computes and stores in for a weight of this type: F16 and BF16 weights stay, anything else is float32. */
export type ModelFloat = 'F32' | 'F16' | 'BF16';

export function modelFloatOf(type: string): ModelFloat {
  return type === 'F16' || type === 'BF16' ? type : 'F32';
}

/** v (a float64) rounded once to the model's float type, as numpy's astype does. */
function castTo(v: number, model: ModelFloat): number {
  return model === 'F32' ? f32(v) : roundToMinifloat(v, model === 'F16' ? FP16 : BF16);
}

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);
/** float16's smallest normal: below it the step is fixed at 2^-24. */
const F16_MIN_NORMAL = 2 ** -14;
const F16_SUBNORMAL_STEP = 2 ** -24;

/** A finite float32 rounded to bf16 (nearest even) by its bit pattern: roundToMinifloat per value is 40x slower. */
function bf16Of(single: number): number {
  scratch[0] = single;
  const bits = scratchBits[0]!;
  scratchBits[0] = ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) << 16;
  return scratch[0];
}

/** A finite float32 rounded to float16 (nearest even; not saturated: no weight comes near 65504). */
function f16Of(single: number): number {
  if (Math.abs(single) < F16_MIN_NORMAL) {
    const r = roundHalfEven(single / F16_SUBNORMAL_STEP) * F16_SUBNORMAL_STEP;
    return r === 0 ? single * 0 : r; // a value rounded to zero keeps its sign, as the cast does
  }
  scratch[0] = single;
  const bits = scratchBits[0]!;
  scratchBits[0] = ((bits + 0xfff + ((bits >>> 13) & 1)) >>> 13) << 13;
  return scratch[0];
}

const ROUNDING: Readonly<Record<ModelFloat, (v: number) => number>> = {
  F32: f32,
  BF16: (v) => {
    const single = f32(v);
    return single - single === 0 ? bf16Of(single) : single;
  },
  F16: (v) => {
    const single = f32(v);
    return single - single === 0 ? f16Of(single) : single;
  },
};

/** How torch rounds a binary op's result on tensors of the model's float type: computed in float32, then rounded (RNE). */
export function modelRounding(model: ModelFloat): (v: number) => number {
  return ROUNDING[model];
}

export function toModelFloat(v: number, model: ModelFloat): number {
  return ROUNDING[model](v);
}

/** C roundf: half away from zero (MLAS rounds with it; torch and numpy round half to even). */
function roundHalfAway(v: number): number {
  return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/** One run of values that share a scale: x[from..to), its finite range (min > max: no finite value), written to deq[from..to). */
export interface IntRun {
  readonly x: Float32Array;
  readonly deq: Float32Array;
  readonly from: number;
  readonly to: number;
  readonly min: number;
  readonly max: number;
}

export interface IntConvention {
  /** Where the tool computes it (file and function), and what it computes, in words. */
  readonly source: string;
  /** True when the tool writes this width and zero-point choice with this convention. */
  supports(bits: number, asymmetric: boolean): boolean;
  /**
   * Writes the tool's dequantized values of the run; non-finite values are copied through (they carry
   * no comparable error). Each row has its own loop: one shared loop calling back is 3x slower.
   */
  roundTrip(run: IntRun, bits: number, asymmetric: boolean, model: ModelFloat): void;
}

/** The run's range, [0, 0] when it has no finite value. */
const rangeOf = (run: IntRun): [number, number] => (run.min <= run.max ? [run.min, run.max] : [0, 0]);

/**
 * ONNX Runtime MatMulNBits (matmul_nbits_quantizer.py -> MlasQuantizeBlockwise,
 * onnxruntime/core/mlas/lib/q4_dq.cpp BlockwiseQuantizer::quantizeAndTranspose): unsigned codes.
 * Asymmetric (range2scalezp): range widened to 0, scale = (max - min) / 15, zp = roundf(-min / scale)
 * clamped to [0, 15]. Symmetric (range2scale): scale = -(the value of largest magnitude) / 8, zp 8.
 * The scale is stored in the graph's float type and read back; q = clamp(roundf(x * f32(1 / scale) + zp), 0, 15).
 */
const MATMUL_NBITS: IntConvention = {
  source: 'onnxruntime/core/mlas/lib/q4_dq.cpp BlockwiseQuantizer::quantizeAndTranspose (range2scalezp / range2scale)',
  supports: (bits) => bits === 2 || bits === 4 || bits === 8,
  roundTrip(run, bits, asymmetric, model) {
    const levels = 2 ** bits - 1;
    const mid = 2 ** (bits - 1);
    const [min, max] = rangeOf(run);
    let scale: number;
    let zp: number;
    if (asymmetric) {
      const lo = Math.min(min, 0);
      const hi = Math.max(max, 0);
      const s = f32(f32(hi - lo) / levels);
      const zpFloat = s !== 0 ? f32(0 - f32(lo / s)) : lo;
      zp = zpFloat < 0 ? 0 : zpFloat > levels ? levels : roundHalfAway(zpFloat);
      scale = toModelFloat(s, model);
    } else {
      const signedMax = Math.abs(max) > Math.abs(min) ? max : min;
      scale = toModelFloat(f32(-signedMax / mid), model);
      zp = mid;
    }
    const inverse = scale !== 0 ? f32(1 / scale) : 0;
    const { x, deq } = run;
    for (let i = run.from; i < run.to; i++) {
      const v = x[i]!;
      deq[i] = v - v === 0 ? f32((clamp(roundHalfAway(f32(f32(v * inverse) + zp)), 0, levels) - zp) * scale) : v;
    }
  },
};

/** numpy.finfo(dtype).tiny: compute_scale_zp's floor below which a scale becomes 1. */
const TINY: Readonly<Record<ModelFloat, number>> = { F32: 2 ** -126, F16: 2 ** -14, BF16: 2 ** -126 };

/**
 * ONNX Runtime QDQ weights (quantize_static, WeightSymmetric for QInt8: quant_utils.py
 * compute_data_quant_params -> compute_scale_zp, quantize_nparray): range widened to 0 and made
 * symmetric, scale = 2 absmax / 254 in float64 stored in the weight's float type (below its tiny: 1),
 * zp 0, q = clamp(rint(f32(x / scale)), -128, 127).
 */
const QDQ: IntConvention = {
  source: 'onnxruntime/python/tools/quantization/quant_utils.py compute_scale_zp (symmetric, ONNX_INT_TYPE_SYMMETRIC_RANGE) and quantize_nparray',
  supports: (bits, asymmetric) => bits === 8 && !asymmetric,
  roundTrip(run, bits, _asymmetric, model) {
    const qmax = 2 ** (bits - 1) - 1;
    const [min, max] = rangeOf(run);
    const absMax = Math.max(-Math.min(min, 0), Math.max(max, 0));
    const scale64 = f32(2 * absMax) / (2 * qmax);
    const scale = scale64 < TINY[model] ? 1 : castTo(scale64, model);
    const { x, deq } = run;
    for (let i = run.from; i < run.to; i++) {
      const v = x[i]!;
      deq[i] = v - v === 0 ? f32(clamp(roundHalfEven(f32(v / scale)), -qmax - 1, qmax) * scale) : v;
    }
  },
};

/** int4_row_quantize_zp's floor of a group's range (clamp(min=1e-6)). */
const TINYGEMM_MIN_RANGE = f32(1e-6);

/**
 * torchao Int4WeightOnlyConfig (version 2, plain packing: Int4Tensor.from_hp ->
 * fbgemm_gpu int4_row_quantize_zp), in float32: range not widened to 0, scale = max(max - min, 1e-6) / 15,
 * zero = min + 8 scale, q = clamp(round((x - min) / scale), 0, 15); scale and zero then cast to the
 * weight's dtype (scale.to(w.dtype)), and the kernel computes (q - 8) scale + zero.
 */
const TINYGEMM: IntConvention = {
  source: 'torchao/quantization/quantize_/workflows/int4/int4_tensor.py Int4Tensor.from_hp, fbgemm_gpu quantize.py int4_row_quantize_zp',
  supports: (bits, asymmetric) => bits === 4 && asymmetric,
  roundTrip(run, bits, _asymmetric, model) {
    const levels = 2 ** bits - 1;
    const mid = 2 ** (bits - 1);
    const [min, max] = rangeOf(run);
    const scale = f32(Math.max(f32(max - min), TINYGEMM_MIN_RANGE) / levels);
    const zero = f32(min + f32(scale * mid));
    const storedScale = toModelFloat(scale, model);
    const storedZero = toModelFloat(zero, model);
    const { x, deq } = run;
    for (let i = run.from; i < run.to; i++) {
      const v = x[i]!;
      deq[i] = v - v === 0 ? f32(f32((clamp(roundHalfEven(f32(f32(v - min) / scale)), 0, levels) - mid) * storedScale) + storedZero) : v;
    }
  },
};

/** torch.finfo(torch.float32).eps: Int8WeightOnlyConfig's floor of the scale. */
const TORCHAO_INT8_EPS = 2 ** -23;

/**
 * torchao Int8WeightOnlyConfig (version 1: to_affine_quantized_intx, MappingType.SYMMETRIC, int8
 * [-128, 127], eps float32's), all in the weight's dtype (quant_primitives.py
 * _choose_qparams_affine, quantize_affine, dequantize_affine): range widened to 0, scale =
 * absmax / 127.5 (at least eps), q = clamp(round(x * (1 / scale)), -128, 127), deq = q * scale.
 */
const TORCHAO_INT8: IntConvention = {
  source: 'torchao/quantization/quant_api.py _int8_weight_only_quantize_tensor, quant_primitives.py _choose_qparams_affine / quantize_affine / dequantize_affine',
  supports: (bits, asymmetric) => bits === 8 && !asymmetric,
  roundTrip(run, bits, _asymmetric, model) {
    const qmin = -(2 ** (bits - 1));
    const qmax = 2 ** (bits - 1) - 1;
    const [min, max] = rangeOf(run);
    const absMax = Math.max(-Math.min(min, 0), Math.max(max, 0));
    const scale = Math.max(toModelFloat(absMax / ((qmax - qmin) / 2), model), TORCHAO_INT8_EPS);
    const inverse = toModelFloat(1 / scale, model);
    const m = modelRounding(model);
    const { x, deq } = run;
    for (let i = run.from; i < run.to; i++) {
      const v = x[i]!;
      deq[i] = v - v === 0 ? m(clamp(roundHalfEven(m(v * inverse)), qmin, qmax) * scale) : v;
    }
  },
};

/**
 * NVIDIA ModelOpt INT4_AWQ / INT8 weights, exported without the AWQ search
 * (modelopt/torch/export/quant_utils.py get_scaling_factor, pack_int4_in_uint8 / to_quantized_weight):
 * scale = amax / maxbound in float32 (maxbound 2^(b-1) - 1; an all-zero run gets 1, as
 * get_scaling_factor_from_weight does), q = clamp(round(x / scale), -2^(b-1), 2^(b-1) - 1).
 */
const MODELOPT: IntConvention = {
  source: 'modelopt/torch/export/quant_utils.py get_scaling_factor, pack_int4_in_uint8, to_quantized_weight',
  supports: (bits, asymmetric) => (bits === 4 || bits === 8) && !asymmetric,
  roundTrip(run, bits) {
    const maxBound = 2 ** (bits - 1) - 1;
    const [min, max] = rangeOf(run);
    const amax = Math.max(Math.abs(min), Math.abs(max));
    const scale = amax === 0 ? 1 : f32(amax / maxBound);
    const { x, deq } = run;
    for (let i = run.from; i < run.to; i++) {
      const v = x[i]!;
      deq[i] = v - v === 0 ? f32(clamp(roundHalfEven(f32(v / scale)), -maxBound - 1, maxBound) * scale) : v;
    }
  },
};

/** compressed-tensors' replacement of a zero scale: the eps of its dtype (helpers.py _get_dtype_eps). */
const DTYPE_EPS: Readonly<Record<ModelFloat, number>> = { F32: 2 ** -23, F16: 2 ** -10, BF16: 2 ** -7 };

/**
 * llm-compressor / compressed-tensors (compressed_tensors/quantization/utils/helpers.py
 * calculate_qparams, lifecycle/forward.py _quantize / _dequantize), in the weight's dtype: range
 * widened to 0; symmetric scale = absmax / ((qmax - qmin) / 2) (7.5 for int4), zp 0; asymmetric
 * scale = (max - min) / (qmax - qmin), zp = round(clamp(qmin - min / scale)); a zero scale becomes
 * the dtype's eps; q = round(clamp(x / scale + zp, qmin, qmax)), deq = (q - zp) * scale.
 */
const COMPRESSED_TENSORS: IntConvention = {
  source: 'compressed_tensors/quantization/utils/helpers.py calculate_qparams, quantization/lifecycle/forward.py _quantize / _dequantize',
  supports: (bits) => bits === 4 || bits === 8,
  roundTrip(run, bits, asymmetric, model) {
    const qmin = -(2 ** (bits - 1));
    const qmax = 2 ** (bits - 1) - 1;
    const [min, max] = rangeOf(run);
    const lo = Math.min(min, 0);
    const hi = Math.max(max, 0);
    const m = modelRounding(model);
    let scale: number;
    let zp = 0;
    if (asymmetric) {
      scale = m(m(hi - lo) / (qmax - qmin));
      if (scale !== 0) zp = roundHalfEven(clamp(m(qmin - m(lo / scale)), qmin, qmax));
    } else {
      scale = m(Math.max(-lo, hi) / ((qmax - qmin) / 2));
    }
    if (scale === 0) scale = DTYPE_EPS[model];
    const { x, deq } = run;
    for (let i = run.from; i < run.to; i++) {
      const v = x[i]!;
      deq[i] = v - v === 0 ? m((roundHalfEven(clamp(m(m(v / scale) + zp), qmin, qmax)) - zp) * scale) : v;
    }
  },
};

/** One row per tool convention. */
export const INT_CONVENTIONS: Readonly<Record<IntConventionName, IntConvention>> = {
  matmulnbits: MATMUL_NBITS,
  qdq: QDQ,
  tinygemm: TINYGEMM,
  'torchao-int8': TORCHAO_INT8,
  modelopt: MODELOPT,
  'compressed-tensors': COMPRESSED_TENSORS,
};
