import { decodeStorages } from '../decode/decodedModel';
import { openModel } from '../formats/registry';
import type { Model } from '../tensor';
import type { CandidateStorages } from './compareModels';

/** A model opened for compare: quantized storages decoded into the float tensors they stand for. */
export interface ComparedModel extends CandidateStorages {
  readonly model: Model;
}

/** Opens a file (or folder) and decodes its quantized storages; close `model` when done. */
export async function openForCompare(path: string): Promise<ComparedModel> {
  const model = await openModel([path]);
  try {
    return await decodeStorages(model);
  } catch (e) {
    await model.close();
    throw e;
  }
}
