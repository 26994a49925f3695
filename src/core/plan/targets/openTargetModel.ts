import { promises as fs } from 'node:fs';
import { FormatError } from '../../errors';
import { openModel } from '../../formats/registry';
import { decodeModel } from '../../onnxproto/codec';
import { int64ToNumber, type GraphProto } from '../../onnxproto/types';
import type { Model } from '../../tensor';
import type { PlanTensor } from '../planTypes';

/** Attribute that transposes Gemm's B ([N, K] instead of [K, N]). // onnx Gemm: transB */
const GEMM_TRANS_B = 'transB';

type Consumer = NonNullable<PlanTensor['consumer']>;

/** Each initializer read by a node, with the first node that reads it (name, op, input index) and whether it is read transposed. */
function consumers(graph: GraphProto | undefined): Map<string, { consumer: Consumer; transposed: boolean }> {
  const found = new Map<string, { consumer: Consumer; transposed: boolean }>();
  for (const node of graph?.node ?? []) {
    const op = node.op_type ?? '';
    const transB = node.attribute.find((a) => a.name === GEMM_TRANS_B);
    node.input.forEach((input, index) => {
      if (input === '' || found.has(input)) return;
      const transposed = op === 'Gemm' && index === 1 && int64ToNumber(transB?.i) === 1;
      found.set(input, { consumer: { node: node.name ?? '', op, input: index, channelAxis: transposed ? 0 : 1 }, transposed });
    });
  }
  return found;
}

/**
 * ONNX initializers as ONNX Runtime's weight quantizers see them: `ne[0]` is the reduction axis K
 * (MatMulNBits blocks run along it, per-channel scales are per column N), so a MatMul B [K, N]
 * keeps its shape order and a Gemm B read with transB = 1 ([N, K]) is reversed.
 */
async function onnxTensors(model: Model): Promise<PlanTensor[]> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(model.file);
  } catch (e) {
    throw new FormatError('onnx', `cannot read the graph: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, undefined, model.file);
  }
  const readers = consumers(decodeModel(bytes).graph);
  return model.tensors.map((t) => {
    const read = readers.get(t.name);
    const ne = read && !read.transposed && t.shape.length === 2 ? [...t.shape] : [...t.shape].reverse();
    return { name: t.name, ne, numel: t.numel, type: t.dtype, bytes: t.byteLength, ...(read ? { consumer: read.consumer } : {}) };
  });
}

/**
 * True when the tensor's rows (ne[0] values) are not contiguous in the file: an ONNX weight read
 * by a node with its output channels on axis 1 (MatMul B [K, N]) keeps its stored shape order
 * as ne (onnxTensors), so a planned row is a stored column.
 */
export function storedTransposed(tensor: PlanTensor): boolean {
  return tensor.consumer?.channelAxis === 1 && tensor.ne.length === 2;
}

/** A model's tensors for the PyTorch tools and ONNX Runtime: the file's own names, headers only (plus the graph's nodes for ONNX). */
export async function openTargetModel(paths: readonly string[]): Promise<PlanTensor[]> {
  const model = await openModel(paths);
  try {
    if (model.format === 'onnx') return await onnxTensors(model);
    if (model.format === 'gguf') throw new FormatError('gguf', 'a GGUF is planned for llama.cpp (--target llama.cpp)');
    return model.tensors.map((t) => ({ name: t.name, ne: [...t.shape].reverse(), numel: t.numel, type: t.dtype, bytes: t.byteLength }));
  } finally {
    await model.close();
  }
}
