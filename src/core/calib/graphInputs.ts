/** The model's runtime inputs read from the graph (graph inputs that are not initializers), as onnxruntime describes them. */
import { int64ToNumber, type ModelProto } from '../onnxproto/types';
import type { ValueDescription } from './session';

/** TensorProto.DataType -> onnxruntime tensor type name. */
const ORT_TYPE: Readonly<Record<number, string>> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool',
  10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64',
};

export function graphInputs(model: ModelProto): ValueDescription[] {
  const graph = model.graph!;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  return graph.input.filter((i) => !initializers.has(i.name)).map((i) => {
    const tensor = i.type?.tensor_type;
    const shape = tensor?.shape ? tensor.shape.dim.map((d) => (d.dim_param ? d.dim_param : d.dim_value !== undefined && d.dim_value !== null && int64ToNumber(d.dim_value) > 0 ? int64ToNumber(d.dim_value) : '')) : null;
    return { name: i.name ?? '', type: tensor ? ORT_TYPE[tensor.elem_type ?? 0] ?? 'unknown' : 'non-tensor', shape };
  });
}
