import { expandPaths } from '../../formats/folders';
import { openModel } from '../../formats/registry';
import { readHfConfigIfAny } from '../hfConfig';
import { llamaModelFromGguf } from './fromGguf';
import { knowsArchitecture, llamaModelFromHf } from './fromHf';
import { genericLlamaModel } from './genericModel';
import type { LlamaModel } from './planPreset';

/**
 * Headers only: a GGUF as it is, a Hugging Face safetensors model (+ config.json) as the converter
 * would write it, and any other model (no config.json, an architecture the name mapping does not
 * know, npz / PyTorch / ONNX weights) under llama-quantize's generic rules.
 */
export async function openLlamaModel(paths: readonly string[]): Promise<LlamaModel> {
  const model = await openModel(paths);
  try {
    if (model.format === 'gguf') return llamaModelFromGguf(model);
    if (model.format !== 'safetensors') return genericLlamaModel(model, `${model.format} weights name no architecture llama.cpp's converter reads`);
    const [weights] = await expandPaths(paths);
    const config = await readHfConfigIfAny(weights ?? model.file);
    if (config === null) return genericLlamaModel(model, 'no config.json beside the weights');
    if (!knowsArchitecture(config)) return genericLlamaModel(model, `config.json's architecture ${JSON.stringify(config.architectures ?? null)} has no llama.cpp names`);
    return llamaModelFromHf(model, config);
  } finally {
    await model.close();
  }
}
