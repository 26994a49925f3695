import type { PlanTargetName } from '../planTypes';

/** What a plan's input files are, for the targets that apply to them: GGUF files, an ONNX graph, or a (Hugging Face) checkpoint. */
export type PlanFileKind = 'gguf' | 'onnx' | 'checkpoint';

export function planFileKind(files: readonly string[]): PlanFileKind {
  const all = (pattern: RegExp): boolean => files.length > 0 && files.every((f) => pattern.test(f));
  if (all(/\.gguf$/i)) return 'gguf';
  if (all(/\.onnx$/i)) return 'onnx';
  return 'checkpoint';
}

/** The tool a plan is for when none is named: the CLI without --target and a new Plan tab both ask here. */
const DEFAULT_TARGET: Readonly<Record<PlanFileKind, PlanTargetName>> = {
  gguf: 'llama.cpp',
  // CLI.md's contract: ModelOpt for anything but GGUF (scripts depend on it); --target onnxruntime is one flag away
  onnx: 'modelopt',
  // a Hugging Face checkpoint: llama.cpp plans it too, once chosen
  checkpoint: 'modelopt',
};

export function defaultPlanTarget(files: readonly string[]): PlanTargetName {
  return DEFAULT_TARGET[planFileKind(files)];
}
