/**
 * QuantizeLinear/DequantizeLinear pairs after activations, named as onnxruntime's QDQ quantizer
 * names them (`<x>_QuantizeLinear_Output`, `<x>_DequantizeLinear_Output`, `<x>_scale`,
 * `<x>_zero_point`). Every main-graph consumer of x then reads the dequantized value; the model's
 * outputs stay float. Each pair is placed right after x's producer, so the graph stays sorted.
 */
import { FormatError } from '../../errors';
import { ONNX_DTYPE } from '../../formats/onnx/dataTypes';
import { int64ToNumber, type ModelProto, type NodeProto, type TensorProto } from '../../onnxproto/types';

/** QuantizeLinear/DequantizeLinear exist (per tensor) from opset 10. */
const MIN_QDQ_OPSET = 10;

export interface ActivationQParams {
  readonly name: string;
  readonly scale: number;
  readonly zeroPoint: number;
  readonly type: 'uint8' | 'int8';
}

export function dequantizedName(name: string): string {
  return `${name}_DequantizeLinear_Output`;
}

function scalar(name: string, dataType: number, bytes: Uint8Array): TensorProto {
  return { name, data_type: dataType, dims: [], raw_data: bytes, float_data: [], int32_data: [], int64_data: [], double_data: [], uint64_data: [], external_data: [] };
}

function node(op: string, inputs: string[], output: string): NodeProto {
  return { op_type: op, name: `${output}_node`, input: inputs, output: [output], attribute: [] };
}

/** Mutates `model`: a Q/DQ pair after each named activation that some node consumes. Returns those activations. */
export function insertQdq(model: ModelProto, params: readonly ActivationQParams[]): string[] {
  const opset = model.opset_import.find((o) => (o.domain ?? '') === '');
  if (!opset || int64ToNumber(opset.version) < MIN_QDQ_OPSET) throw new FormatError('onnx', `activation fake quantization needs opset >= ${MIN_QDQ_OPSET} (QuantizeLinear)`);
  const graph = model.graph!;
  const byName = new Map(params.map((p) => [p.name, p]));
  const consumed = new Set(graph.node.flatMap((n) => n.input));
  const done: string[] = [];
  const nodes: NodeProto[] = [];
  for (const n of graph.node) {
    n.input = n.input.map((i) => (byName.has(i) && consumed.has(i) ? dequantizedName(i) : i));
    nodes.push(n);
    for (const out of n.output) {
      const p = byName.get(out);
      if (!p || !consumed.has(out)) continue;
      const scaleBytes = new Uint8Array(4);
      new DataView(scaleBytes.buffer).setFloat32(0, p.scale, true);
      graph.initializer.push(scalar(`${out}_scale`, ONNX_DTYPE.FLOAT, scaleBytes));
      const zp = p.type === 'uint8' ? Uint8Array.of(p.zeroPoint) : new Uint8Array(Int8Array.of(p.zeroPoint).buffer);
      graph.initializer.push(scalar(`${out}_zero_point`, p.type === 'uint8' ? ONNX_DTYPE.UINT8 : ONNX_DTYPE.INT8, zp));
      const q = `${out}_QuantizeLinear_Output`;
      nodes.push(node('QuantizeLinear', [out, `${out}_scale`, `${out}_zero_point`], q));
      nodes.push(node('DequantizeLinear', [q, `${out}_scale`, `${out}_zero_point`], dequantizedName(out)));
      done.push(out);
    }
  }
  graph.node = nodes;
  return done;
}
