/**
 * The output precision of the reference dequantizers: they compute in float32 and store in the
 * scales' dtype (torch's half and bfloat16 ops round a float32 result; CUDA kernels store with
 * __float2half / __float2bfloat16, round to nearest even), so a decoder rounds the same way.
 */
import { f16ToF32 } from '../numeric/floats';
import { fp32ToFp16 } from '../quant/ggml/fp16';

export type OutputDType = 'F32' | 'F16' | 'BF16';

const BITS_F32 = new Float32Array(1);
const BITS_U32 = new Uint32Array(BITS_F32.buffer);

/** float32 -> bfloat16 -> float32, round to nearest even; NaN stays NaN. */
function roundBf16(x: number): number {
  BITS_F32[0] = x;
  const w = BITS_U32[0]!;
  if ((w & 0x7fffffff) > 0x7f800000) return x;
  BITS_U32[0] = ((w + 0x7fff + ((w >>> 16) & 1)) >>> 16) << 16;
  return BITS_F32[0]!;
}

/** Rounds float32 values in place to `dtype`, as the reference stores its output. */
export function roundOutput(values: Float32Array, dtype: OutputDType): Float32Array {
  if (dtype === 'F16') for (let i = 0; i < values.length; i++) values[i] = f16ToF32(fp32ToFp16(values[i]!));
  else if (dtype === 'BF16') for (let i = 0; i < values.length; i++) values[i] = roundBf16(values[i]!);
  return values;
}

/** The output dtype of a reference that computes in the dtype of its scales. */
export function outputOf(scaleDType: string): OutputDType {
  return scaleDType === 'F16' || scaleDType === 'BF16' ? scaleDType : 'F32';
}
