/** A session over the model with every float activation of its main graph exposed as an output. */
import { decodeModel, encodeModel } from '../onnxproto/codec';
import { DATA_LOCATION_EXTERNAL } from '../formats/onnx/schema';
import type { ModelProto } from '../onnxproto/types';
import { FormatError } from '../errors';
import { ModelSession, type SessionOptions } from './session';
import { mainGraphNodeOutputs, nestedNodeCount, withTapOutputs, type NodeOutput } from './taps';

export interface TappedModel {
  readonly model: ModelProto;
  readonly session: ModelSession;
  /** Float32 node outputs of the main graph, in node order. */
  readonly activations: readonly NodeOutput[];
  readonly notes: readonly string[];
}

/** Refuses what the in-memory rewrite cannot carry: weights in external files. */
export function decodeRunnableModel(bytes: Uint8Array): ModelProto {
  const model = decodeModel(bytes);
  if (!model.graph) throw new FormatError('onnx', 'the model has no graph');
  if (model.graph.initializer.some((t) => t.data_location === DATA_LOCATION_EXTERNAL)) {
    throw new FormatError('onnx', 'weights in external data files are not supported for calibration yet');
  }
  return model;
}

export async function openTappedModel(model: ModelProto, options: SessionOptions): Promise<TappedModel> {
  const outputs = mainGraphNodeOutputs(model.graph!);
  const session = await ModelSession.create(encodeModel(withTapOutputs(model, outputs.map((o) => o.name))), options);
  const types = new Map(session.outputs.map((o) => [o.name, o.type]));
  const activations = outputs.filter((o) => types.get(o.name) === 'float32');
  const notes: string[] = [];
  const other = outputs.filter((o) => types.get(o.name) !== 'float32');
  if (other.length > 0) notes.push(`${other.length} node outputs are not float32 and are not observed (${summarise(other.map((o) => `${o.name}: ${types.get(o.name) ?? '?'}`))})`);
  const nested = nestedNodeCount(model.graph!);
  if (nested > 0) notes.push(`${nested} nodes inside If/Loop/Scan subgraphs are not observed: only the main graph is tapped`);
  return { model, session, activations, notes };
}

function summarise(items: readonly string[]): string {
  const SHOWN = 5;
  return items.length <= SHOWN ? items.join(', ') : `${items.slice(0, SHOWN).join(', ')}, ...`;
}
