/** Bit-exact decoders of the narrow float formats to JS numbers (all exact in float32). */

const F16_TABLE = buildF16Table();

function buildF16Table(): Float32Array {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) t[h] = decodeMinifloat(h, 5, 10, 15, true);
  return t;
}

/** IEEE binary16. */
export function f16ToF32(h: number): number {
  return F16_TABLE[h & 0xffff]!;
}

/** bfloat16 = the high half of a float32. */
const BF16_SCRATCH = new DataView(new ArrayBuffer(4));
export function bf16ToF32(b: number): number {
  BF16_SCRATCH.setUint32(0, (b & 0xffff) << 16);
  return BF16_SCRATCH.getFloat32(0);
}

/**
 * OCP FP8 E4M3 (the "FN" variant of ONNX / safetensors F8_E4M3): bias 7, no infinities,
 * S.1111.111 is NaN, max 448. // onnx docs/technical/float8.md
 */
export const F8_E4M3_TABLE = buildFp8Table(4, 3, 7, false);
/** OCP FP8 E5M2: bias 15, IEEE-like with infinities and NaNs, max 57344. */
export const F8_E5M2_TABLE = buildFp8Table(5, 2, 15, true);

function buildFp8Table(expBits: number, manBits: number, bias: number, ieee: boolean): Float32Array {
  const t = new Float32Array(256);
  for (let b = 0; b < 256; b++) {
    if (!ieee && (b & 0x7f) === 0x7f) t[b] = NaN;
    else t[b] = decodeMinifloat(b, expBits, manBits, bias, ieee);
  }
  return t;
}

/** Decodes sign|exponent|mantissa with the given widths; `ieee` = all-ones exponent is Inf/NaN. */
export function decodeMinifloat(bits: number, expBits: number, manBits: number, bias: number, ieee: boolean): number {
  const sign = (bits >> (expBits + manBits)) & 1 ? -1 : 1;
  const exp = (bits >> manBits) & ((1 << expBits) - 1);
  const man = bits & ((1 << manBits) - 1);
  if (ieee && exp === (1 << expBits) - 1) return man === 0 ? sign * Infinity : NaN;
  if (exp === 0) return sign * man * 2 ** (1 - bias - manBits);
  return sign * (1 + man / (1 << manBits)) * 2 ** (exp - bias);
}
