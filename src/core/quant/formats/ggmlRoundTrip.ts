import type { GgmlDType } from '../../../shared/vocab/dtypes';
import { GGML_TYPES, type GgmlTypeTraits } from '../ggml';

/** A type with a reference quantizer. */
type Quantizable = GgmlTypeTraits & Required<Pick<GgmlTypeTraits, 'quantize'>>;

let blockBytes = new Uint8Array(0);
let blockValues = new Float32Array(0);
/** Each type's round trip of one block of +0.0, computed once by the real quantizer. */
const zeroBlockRoundTrips = new Map<GgmlDType, Float32Array>();

const hasQuantizer = (t: GgmlTypeTraits): t is Quantizable => t.quantize !== undefined;

/** True when every value of x[from..to) is +0.0 (bit pattern 0): padding, pruned or never-written weights. */
function allPositiveZero(x: Float32Array, from: number, to: number): boolean {
  const bits = new Uint32Array(x.buffer, x.byteOffset + from * 4, to - from);
  for (let i = 0; i < bits.length; i++) if (bits[i] !== 0) return false;
  return true;
}

/**
 * Round trip of x[from..to) (whole blocks of one ggml type) through ggml's reference quantizer
 * and dequantizer (the ggml module's ports of quantize_row_*_ref / dequantize_row_*).
 * Non-finite values are quantized as 0 (they are excluded from the metrics; ggml itself
 * would let them poison the block's scale) and copied through to deq.
 */
export function ggmlRoundTrip(type: GgmlDType, x: Float32Array, deq: Float32Array, from: number, to: number): void {
  const t = GGML_TYPES.get(type);
  if (!t || !hasQuantizer(t)) throw new Error(`no ggml quantizer for ${type}`);
  const n = to - from;
  const nBlocks = n / t.blockSize;
  if (!Number.isInteger(nBlocks)) throw new RangeError(`${n} values are not whole ${type} blocks`);
  // blocks are quantized independently, so a run of +0 blocks is the zero block's round trip repeated, without a fit per block
  if (allPositiveZero(x, from, to)) {
    let zero = zeroBlockRoundTrips.get(type);
    if (!zero) {
      zero = new Float32Array(t.blockSize);
      roundTripBlocks(t, new Float32Array(t.blockSize), zero, 0, t.blockSize);
      zeroBlockRoundTrips.set(type, zero);
    }
    for (let b = 0; b < nBlocks; b++) deq.set(zero, from + b * t.blockSize);
    return;
  }
  roundTripBlocks(t, x, deq, from, to);
}

function roundTripBlocks(t: Quantizable, x: Float32Array, deq: Float32Array, from: number, to: number): void {
  // The same values without packing the bytes and reading them back.
  if (t.roundTrip) {
    t.roundTrip(x, from, to, deq);
    return;
  }
  const n = to - from;
  const nBlocks = n / t.blockSize;
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
