import { FormatError } from '../../errors';
import { expandPaths } from '../../formats/folders';
import { openModel } from '../../formats/registry';
import { readHfConfig } from '../hfConfig';
import { llamaModelFromGguf } from './fromGguf';
import { llamaModelFromHf } from './fromHf';
import type { LlamaModel } from './planPreset';

/** Headers only: a GGUF as it is, or a Hugging Face safetensors model (+ config.json) as the converter would write it. */
export async function openLlamaModel(paths: readonly string[]): Promise<LlamaModel> {
  const model = await openModel(paths);
  try {
    if (model.format === 'gguf') return llamaModelFromGguf(model);
    if (model.format === 'safetensors') {
      const [weights] = await expandPaths(paths);
      return llamaModelFromHf(model, await readHfConfig(weights ?? model.file));
    }
    throw new FormatError(model.format, 'planning for llama.cpp reads a GGUF model or a Hugging Face safetensors model');
  } finally {
    await model.close();
  }
}
