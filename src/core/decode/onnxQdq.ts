/**
 * ONNX QDQ: a DequantizeLinear node whose x is an int8 / uint8 / int4 / uint4 / int16 / uint16
 * initializer. y = (x - x_zero_point) * x_scale: one scale for the tensor, one per index of `axis`
 * (1-D scale), or one per `block_size` run along `axis` (scale of x's rank, opset 21).
 * Computed in float32 and stored in the scale's dtype. Source: onnx Operators.md DequantizeLinear
 * (opset 10, 13, 19, 21) and its reference implementation.
 */
import type { GraphNode, MemberInfo, StorageDecoder } from './storage';
import { asFloats, asInts, byName, eachCandidate, fail, numel, readMember } from './members';
import { outputOf, roundOutput, type OutputDType } from './precision';

const QUANTIZED_DTYPES = ['I8', 'U8', 'I4', 'U4', 'I16', 'U16'];
/** The quantizers' name for a quantized initializer: onnxruntime's quantize_static writes `W_quantized`. */
const QUANTIZED_SUFFIX = '_quantized';

function isStandard(node: GraphNode): boolean {
  return node.domain === '' || node.domain === 'ai.onnx';
}

/** Scale layout: 'tensor', 'axis' or 'block', checked against x's shape. */
function layoutOf(x: MemberInfo, scale: MemberInfo, axis: number, blockSize: number): string {
  const count = numel(scale.shape);
  if (blockSize > 0) {
    const ok = scale.shape.length === x.shape.length && scale.shape.every((d, i) => d === (i === axis ? Math.ceil(x.shape[i]! / blockSize) : x.shape[i]));
    if (!ok) fail(x.name, `blocked scale [${scale.shape.join(', ')}] does not fit x [${x.shape.join(', ')}] with block_size ${blockSize} on axis ${axis}`);
    return 'block';
  }
  if (count === 1 && scale.shape.length <= 1) return 'tensor';
  if (scale.shape.length === 1 && count === x.shape[axis]) return 'axis';
  fail(x.name, `scale [${scale.shape.join(', ')}] is neither per tensor nor per axis ${axis} of [${x.shape.join(', ')}]`);
}

export const ONNX_QDQ: StorageDecoder = {
  id: 'onnx-qdq',
  async find(summary, claimed) {
    const named = byName(summary.tensors);
    return eachCandidate('onnx-qdq', summary.nodes ?? [], (n) => n.inputs[0] ?? n.opType, async (node) => {
      if (node.opType !== 'DequantizeLinear' || !isStandard(node)) return undefined;
      const [xName = '', scaleName = '', zeroName = ''] = node.inputs;
      const x = named.get(xName);
      const scale = named.get(scaleName);
      if (!x || !scale || claimed.has(xName) || !QUANTIZED_DTYPES.includes(x.dtype)) return undefined;
      const rank = x.shape.length;
      const rawAxis = typeof node.attributes['axis'] === 'number' ? node.attributes['axis'] : 1;
      const blockSize = typeof node.attributes['block_size'] === 'number' ? node.attributes['block_size'] : 0;
      const layout = numel(scale.shape) === 1 && blockSize === 0 ? 'tensor' : layoutOf(x, scale, rawAxis < 0 ? rawAxis + rank : rawAxis, blockSize);
      const members: Record<string, string> = { x: xName, scale: scaleName };
      if (zeroName && named.has(zeroName)) members['zeroPoint'] = zeroName;
      return {
        storage: 'onnx-qdq',
        logical: xName.endsWith(QUANTIZED_SUFFIX) ? xName.slice(0, -QUANTIZED_SUFFIX.length) : node.outputs[0] ?? xName,
        shape: x.shape,
        members,
        params: { layout, axis: rawAxis < 0 ? rawAxis + rank : rawAxis, blockSize, output: outputOf(scale.dtype) },
      };
    });
  },
  decodes: 'whole',
  // Whole: the initializers sit in the graph's bytes, which are in memory whole already (ONNX's 2 GB protobuf), and each read
  // converts a whole initializer (onnxGraph.ts), so rows would convert it once per span.
  async decode(group, read) {
    const shape = group.shape;
    const n = numel(shape);
    const layout = group.params['layout'];
    const axis = group.params['axis'] as number;
    const blockSize = group.params['blockSize'] as number;
    // Elements after `axis` in row-major order, and the extent of `axis`.
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const extent = layout === 'tensor' ? 1 : shape[axis]!;
    const scaleExtent = layout === 'block' ? Math.ceil(extent / blockSize) : extent;
    const scaleCount = layout === 'tensor' ? 1 : layout === 'axis' ? extent : (n / extent) * scaleExtent;
    const x = asInts(group, 'x', await readMember(group, 'x', read, n));
    const scale = asFloats(group, 'scale', await readMember(group, 'scale', read, scaleCount));
    const zero = group.members['zeroPoint'] ? asInts(group, 'zeroPoint', await readMember(group, 'zeroPoint', read, scaleCount)) : undefined;
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      if (layout === 'axis') s = Math.floor(i / inner) % extent;
      else if (layout === 'block') {
        const outer = Math.floor(i / (inner * extent));
        const k = Math.floor(i / inner) % extent;
        s = (outer * scaleExtent + Math.floor(k / blockSize)) * inner + (i % inner);
      }
      values[i] = (x[i]! - (zero ? zero[s]! : 0)) * scale[s]!;
    }
    return roundOutput(values, group.params['output'] as OutputDType);
  },
};
