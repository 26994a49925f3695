/**
 * Graph rewriting that exposes activations: every node output of the main graph becomes a graph
 * output through a name-only ValueInfoProto (as ORT's calibrator does), so onnxruntime infers its
 * type and returns it. The model's own outputs stay first and unchanged.
 */
import { cloneModel } from '../onnxproto/codec';
import type { GraphProto, ModelProto } from '../onnxproto/types';

/** A node output that can be observed. */
export interface NodeOutput {
  readonly name: string;
  /** Node name, or `<op>_<index>` for unnamed nodes. */
  readonly node: string;
  readonly op: string;
}

/** Ops whose outputs are weights, not activations: `inspect` lists them as tensors. */
const CONSTANT_OPS = new Set(['Constant']);

/** Node outputs of the main graph in node order (nested subgraphs are not visited). */
export function mainGraphNodeOutputs(graph: GraphProto): NodeOutput[] {
  const seen = new Set<string>();
  const out: NodeOutput[] = [];
  graph.node.forEach((node, index) => {
    const op = node.op_type ?? '';
    if (CONSTANT_OPS.has(op)) return;
    const nodeName = node.name ? node.name : `${op}_${index}`;
    for (const name of node.output) {
      if (name === '' || seen.has(name)) continue;
      seen.add(name);
      out.push({ name, node: nodeName, op });
    }
  });
  return out;
}

/** Nodes inside If/Loop/Scan bodies (any graph attribute), counted recursively. */
export function nestedNodeCount(graph: GraphProto): number {
  let count = 0;
  for (const node of graph.node) {
    for (const attr of node.attribute) {
      for (const g of [...(attr.g ? [attr.g] : []), ...(attr.graphs ?? [])]) count += g.node.length + nestedNodeCount(g);
    }
  }
  return count;
}

/** A copy of `model` whose graph also outputs `names` (those not already outputs), after its own outputs. */
export function withTapOutputs(model: ModelProto, names: readonly string[]): ModelProto {
  const copy = cloneModel(model);
  const graph = copy.graph!;
  const present = new Set(graph.output.map((o) => o.name ?? ''));
  for (const name of names) {
    if (present.has(name)) continue;
    present.add(name);
    graph.output.push({ name });
  }
  return copy;
}
