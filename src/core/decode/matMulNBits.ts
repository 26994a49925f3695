/**
 * onnxruntime's com.microsoft MatMulNBits: B uint8 [N, k_blocks, block_size * bits / 8] holds the
 * transposed weight, `bits`-wide codes packed low bits first; scales [N * k_blocks]; optional
 * zero_points uint8 packed the same way, ceil(k_blocks * bits / 8) bytes per column n (default
 * 2^(bits - 1)); optional g_idx [K] (block of each k, else k / block_size).
 * Value: W[k][n] = (q - zp) * scale in float32, stored in the scales' dtype, as the [K, N]
 * weight of the MatMul it replaced. Source: onnxruntime docs/ContribOperators.md MatMulNBits and
 * its CPU dequantization (matmul_nbits.cc).
 */
import type { StorageDecoder } from './storage';
import { asFloats, asInts, byName, eachCandidate, fail, readMember } from './members';
import { outputOf, roundOutput, type OutputDType } from './precision';

const CONTRIB_DOMAIN = 'com.microsoft';
/** onnxruntime's quantizer names B `<weight>_Q<bits>` (MatMulNBitsQuantizer). */
const QUANTIZED_NAME = /_Q\d+$/;
const NBITS = [2, 4, 8];

export const MATMUL_NBITS: StorageDecoder = {
  id: 'onnx-matmulnbits',
  async find(summary, claimed) {
    const named = byName(summary.tensors);
    return eachCandidate('onnx-matmulnbits', summary.nodes ?? [], (n) => n.inputs[1] ?? n.opType, async (node) => {
      if (node.opType !== 'MatMulNBits' || node.domain !== CONTRIB_DOMAIN) return undefined;
      const [, bName = '', scalesName = '', zeroName = '', gIdxName = ''] = node.inputs;
      const b = named.get(bName);
      const scales = named.get(scalesName);
      if (!b || !scales || claimed.has(bName)) return undefined;
      const K = node.attributes['K'];
      const N = node.attributes['N'];
      const bits = node.attributes['bits'] ?? 4;
      const blockSize = node.attributes['block_size'];
      if (typeof K !== 'number' || typeof N !== 'number' || typeof bits !== 'number' || typeof blockSize !== 'number') fail(bName, 'MatMulNBits needs integer K, N, bits and block_size');
      const kBlocks = Math.ceil(K / blockSize);
      if (b.shape.length !== 3 || b.shape[0] !== N || b.shape[1] !== kBlocks || b.shape[2] !== (blockSize * bits) / 8) {
        fail(bName, `B [${b.shape.join(', ')}] is not [${N}, ${kBlocks}, ${(blockSize * bits) / 8}] for K ${K}, N ${N}, ${bits} bits, block_size ${blockSize}`);
      }
      const members: Record<string, string> = { b: bName, scales: scalesName };
      if (zeroName && named.has(zeroName)) members['zeroPoints'] = zeroName;
      if (gIdxName && named.has(gIdxName)) members['gIdx'] = gIdxName;
      return {
        storage: 'onnx-matmulnbits',
        logical: bName.replace(QUANTIZED_NAME, ''),
        shape: [K, N],
        members,
        params: { bits, blockSize, output: outputOf(scales.dtype) },
      };
    });
  },
  decodes: 'whole',
  // Whole: the initializers sit in the graph's bytes, which are in memory whole already (ONNX's 2 GB protobuf), and each read
  // converts a whole initializer (onnxGraph.ts), so rows would convert it once per span.
  async decode(group, read) {
    const [K, N] = group.shape as [number, number];
    const bits = group.params['bits'] as number;
    if (!NBITS.includes(bits)) fail(group, `MatMulNBits with ${bits} bits is not supported (${NBITS.join(', ')})`);
    const blockSize = group.params['blockSize'] as number;
    const kBlocks = Math.ceil(K / blockSize);
    const blob = (blockSize * bits) / 8;
    const mask = (1 << bits) - 1;
    const b = asInts(group, 'b', await readMember(group, 'b', read, N * kBlocks * blob));
    const scales = asFloats(group, 'scales', await readMember(group, 'scales', read, N * kBlocks));
    const zeroBytes = Math.ceil((kBlocks * bits) / 8);
    const zeroPoints = group.members['zeroPoints'] ? await readMember(group, 'zeroPoints', read, N * zeroBytes) : undefined;
    if (zeroPoints && !(zeroPoints instanceof Uint8Array)) fail(group, 'float zero points are not supported, only packed uint8');
    const gIdx = group.members['gIdx'] ? asInts(group, 'gIdx', await readMember(group, 'gIdx', read, K)) : undefined;
    const defaultZero = 1 << (bits - 1);
    const values = new Float32Array(K * N);
    for (let n = 0; n < N; n++) {
      for (let k = 0; k < K; k++) {
        const blk = gIdx ? gIdx[k]! : Math.floor(k / blockSize);
        if (!(blk >= 0 && blk < kBlocks)) fail(group, `g_idx[${k}] = ${blk} is outside 0..${kBlocks - 1}`);
        // Codes of row n run through its blocks contiguously: bit (k * bits) of the row.
        const bit = (n * kBlocks * blob) * 8 + k * bits;
        const q = (b[bit >> 3]! >> (bit & 7)) & mask;
        const zBit = n * zeroBytes * 8 + blk * bits;
        const zp = zeroPoints ? (zeroPoints[zBit >> 3]! >> (zBit & 7)) & mask : defaultZero;
        values[k * N + n] = (q - zp) * scales[n * kBlocks + blk]!;
      }
    }
    return roundOutput(values, group.params['output'] as OutputDType);
  },
};
