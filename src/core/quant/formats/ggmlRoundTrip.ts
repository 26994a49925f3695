import type { GgmlDType } from '../../../shared/vocab/dtypes';
import { GGML_TYPES } from '../ggml';

let blockBytes = new Uint8Array(0);
let blockValues = new Float32Array(0);

/**
 * Round trip of x[from..to) (whole blocks of one ggml type) through ggml's reference quantizer
 * and dequantizer (the ggml module's ports of quantize_row_*_ref / dequantize_row_*).
 * Non-finite values are quantized as 0 (they are excluded from the metrics; ggml itself
 * would let them poison the block's scale) and copied through to deq.
 */
export function ggmlRoundTrip(type: GgmlDType, x: Float32Array, deq: Float32Array, from: number, to: number): void {
  const t = GGML_TYPES.get(type);
  if (!t?.quantize) throw new Error(`no ggml quantizer for ${type}`);
  const n = to - from;
  const nBlocks = n / t.blockSize;
  if (!Number.isInteger(nBlocks)) throw new RangeError(`${n} values are not whole ${type} blocks`);
  // The same values without packing the bytes and reading them back.
  if (t.roundTrip) {
    t.roundTrip(x, from, to, deq);
    return;
  }
  if (blockValues.length < n) blockValues = new Float32Array(n);
  if (blockBytes.length < nBlocks * t.typeSize) blockBytes = new Uint8Array(nBlocks * t.typeSize);
  const src = blockValues.subarray(0, n);
  for (let i = 0; i < n; i++) {
    const v = x[from + i]!;
    src[i] = v - v === 0 ? v : 0;
  }
  const bytes = blockBytes.subarray(0, nBlocks * t.typeSize);
  t.quantize(src, bytes);
  const out = deq.subarray(from, to);
  t.dequantize(bytes, out, nBlocks);
  for (let i = 0; i < n; i++) {
    const v = x[from + i]!;
    if (v - v !== 0) out[i] = v;
  }
}
