import { FormatError } from '../errors';
import { LLAMA_FTYPES } from '../plan/llamaCpp/ftypes';
import { llamaModelFromGguf } from '../plan/llamaCpp/fromGguf';
import { exportBase, tensorTypeFile } from '../plan/llamaCpp/tensorTypeFile';
import type { Plan } from '../plan/planTypes';
import type { Model } from '../tensor';

/** A GGUF's type map in llama-quantize's --tensor-type-file syntax, and the base ftype to replay it with. */
export interface ReplayableTypes {
  readonly text: string;
  readonly baseType: string;
}

/**
 * Reverses a GGUF's types into a --tensor-type-file: `llama-quantize --tensor-type-file FILE SOURCE OUT
 * BASE` on the float source writes the same type for every tensor (its file-type label as BASE when
 * overrides apply to it).
 */
export function replayableTypes(model: Model): ReplayableTypes {
  if (model.format !== 'gguf') throw new FormatError(model.format, 'only a GGUF file has llama.cpp types to export', undefined, model.file);
  const fileType = model.metadata['general.file_type'];
  const label = Object.entries(LLAMA_FTYPES).find(([, f]) => f.id === fileType)?.[0] ?? null;
  const llama = llamaModelFromGguf(model);
  const plan: Plan = {
    target: 'llama.cpp',
    preset: label,
    tensors: llama.tensors.map((t) => ({ name: t.name, type: t.type, candidate: { kind: 'keep' }, bytes: t.bytes, requested: null, reason: `stored in ${model.file}` })),
    totalBytes: llama.tensors.reduce((s, t) => s + t.bytes, 0),
    totalValues: llama.tensors.reduce((s, t) => s + t.numel, 0),
    bitsPerWeight: 0,
  };
  return { text: tensorTypeFile(plan, llama), baseType: exportBase(plan) };
}
