import { GGML_LAYOUTS } from '../../../shared/vocab/ggmlTypes';
import { ggmlType } from './table';
import { KVALUES_MXFP4 } from './kvalues';

/** d[4] (UE4M3 scale per 16 values), then qs[32] of E2M1 nibbles. // ggml-common.h: block_nvfp4 */
const { blockSize: QK_NVFP4, typeSize: BLOCK_BYTES } = GGML_LAYOUTS.NVFP4;
const QK_NVFP4_SUB = 16;
const N_SUB = QK_NVFP4 / QK_NVFP4_SUB;
/** UE4M3 codes that decode to 0: zero and the NaN pattern. // ggml-impl.h: ggml_ue4m3_to_fp32 */
const UE4M3_NAN = 0x7f;

/** Unsigned E4M3 (bias 7, bit 7 unused) halved, for the doubled E2M1 table; exact in float. // ggml-impl.h: ggml_ue4m3_to_fp32 */
export function ue4m3ToFp32Half(x: number): number {
  if (x === 0 || x === UE4M3_NAN) return 0;
  const exp = (x >> 3) & 0xf;
  const man = x & 0x7;
  return (exp === 0 ? man * 2 ** -9 : (1 + man / 8) * 2 ** (exp - 7)) * 0.5;
}

export const NVFP4 = ggmlType('NVFP4', {
  // ggml: dequantize_row_nvfp4 (sub-block s: low nibbles are values 0..7, high nibbles 8..15)
  dequantize(src, dst, nBlocks) {
    const half = QK_NVFP4_SUB / 2;
    for (let i = 0; i < nBlocks; i++) {
      const b = i * BLOCK_BYTES;
      for (let s = 0; s < N_SUB; s++) {
        const d = ue4m3ToFp32Half(src[b + s]!);
        const y = i * QK_NVFP4 + s * QK_NVFP4_SUB;
        for (let j = 0; j < half; j++) {
          const q = src[b + N_SUB + s * half + j]!;
          dst[y + j] = KVALUES_MXFP4[q & 0x0f]! * d;
          dst[y + j + half] = KVALUES_MXFP4[q >> 4]! * d;
        }
      }
    }
  },
});
