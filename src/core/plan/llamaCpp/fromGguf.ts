import type { Model } from '../../tensor';
import { factsFromGguf } from './modelFacts';
import type { LlamaModel } from './planPreset';

/** A GGUF model as llama-quantize sees it: its names, ggml dims (the reverse of row-major shape), stored types. */
export function llamaModelFromGguf(model: Model): LlamaModel {
  return {
    facts: factsFromGguf(model.metadata),
    tensors: model.tensors.map((t) => ({
      name: t.name, ne: [...t.shape].reverse(), numel: t.numel, type: t.dtype, bytes: t.byteLength,
    })),
  };
}
