/** Which initializers the weight configs quantize (CLI.md `ptq`). */
import { isInlineFloat32, tensorShape } from '../../onnxproto/floatTensor';
import type { GraphProto } from '../../onnxproto/types';

/** Ops and the input index that holds their weight: MatMul B, Gemm B, Conv W. */
const WEIGHT_INPUT: Readonly<Record<string, number>> = { MatMul: 1, Gemm: 1, Conv: 1 };
/** CLI.md: weights of rank >= 2; biases and norms stay float. */
const MIN_WEIGHT_RANK = 2;

/** Names of the float32 initializers to quantize, in initializer order. */
export function weightTargets(graph: GraphProto, allWeights: boolean): string[] {
  const floats = graph.initializer.filter((t) => isInlineFloat32(t) && tensorShape(t).reduce((a, b) => a * b, 1) > 0);
  if (allWeights) return floats.map((t) => t.name ?? '');
  const feeding = new Set<string>();
  for (const node of graph.node) {
    const index = WEIGHT_INPUT[node.op_type ?? ''];
    if (index !== undefined && node.input[index]) feeding.add(node.input[index]);
  }
  return floats.filter((t) => feeding.has(t.name ?? '') && t.dims.length >= MIN_WEIGHT_RANK).map((t) => t.name ?? '');
}
