import type { Candidate } from '../costModel';
import { ggmlDims } from '../llamaCpp/notQuantized';
import type { PlanTensor } from '../planTypes';
import { planTarget } from './planTarget';

/** MatMulNBits block sizes: a power of two >= 16 (onnxruntime/python/tools/quantization/matmul_nbits_quantizer.py, block_size). */
const MATMUL_NBITS_BLOCKS = [16, 32, 64, 128, 256] as const;
/** Ops whose weight (input 1, B) ONNX Runtime's weight configs here quantize. */
const WEIGHT_OPS: ReadonlySet<string> = new Set(['MatMul', 'Gemm']);
const B_INPUT = 1;

/**
 * ONNX Runtime, two ways: MatMulNBits weight-only int4 blocks along K (scales in the graph's
 * float type; zero points packed 4-bit unless symmetric; MLAS's blockwise rounding), and QDQ int8
 * via quantize_static (symmetric [-127, 127]: float scale + int8 zero point per channel or per tensor).
 */
const CANDIDATES: readonly Candidate[] = [
  ...MATMUL_NBITS_BLOCKS.flatMap((group): Candidate[] => [
    { kind: 'int', bits: 4, group, scale: 'source', zero: 'packed', convention: 'matmulnbits' },
    { kind: 'int', bits: 4, group, scale: 'source', zero: 'none', convention: 'matmulnbits' },
  ]),
  { kind: 'int', bits: 8, group: 'channel', scale: 'source', zero: 'byte', convention: 'qdq' },
  { kind: 'int', bits: 8, group: 'tensor', scale: 'source', zero: 'byte', convention: 'qdq' },
  { kind: 'keep' },
];

function notPlanned(tensor: PlanTensor): string | null {
  const consumer = tensor.consumer;
  if (!consumer || consumer.input !== B_INPUT || !WEIGHT_OPS.has(consumer.op)) return 'not the weight initializer of a MatMul or Gemm node';
  if (ggmlDims(tensor.ne) !== 2) return 'not a 2-D weight';
  return null;
}

export const ONNXRUNTIME_TARGET = planTarget({
  name: 'onnxruntime',
  candidates: CANDIDATES,
  defaultCandidates: ['int4_g128_asym', 'int8_ch', 'keep'],
  notPlanned,
  groupOf: () => null,
  // MatMulNBits replaces MatMul nodes only; QDQ int8 applies to MatMul and Gemm
  refusal: (candidate, tensor) =>
    candidate.kind === 'int' && candidate.bits === 4 && tensor.consumer?.op !== 'MatMul' ? `MatMulNBits replaces MatMul nodes only (${tensor.consumer?.op ?? 'no node'} reads this weight)` : null,
});
