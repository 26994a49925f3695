/**
 * The tools the Plan tab plans for, by the file's format, and why the others are not offered;
 * what each export is saved as. Plain TypeScript (no vscode), so it is unit-tested.
 */
import { PLAN_EXPORTS, type PlanExport } from '../core/plan/exports';
import { PLAN_TARGET_NAMES, type PlanTargetName } from '../core/plan/planTypes';
import { defaultPlanTarget, planFileKind, type PlanFileKind } from '../core/plan/targets/defaultTarget';
import { TARGET_PRESETS } from '../core/plan/targets/presets';
import type { PlanTargetOption } from '../shared/planPanelProtocol';

/** What each export's file holds, as the name it is saved under ends. */
const EXPORT_SUFFIX: Readonly<Record<string, string>> = {
  'llama.cpp': 'tensor-types.txt',
  onnxruntime: 'onnxruntime.json',
  modelopt: 'quant_cfg.json',
  'modelopt-hf': 'hf_quant_config.json',
  torchao: 'torchao.py',
  'llm-compressor': 'recipe.yaml',
};

/** Why `target` does not apply to a file of `kind`, or null when it does. */
function whyNot(target: PlanTargetName, kind: PlanFileKind): string | null {
  if (target === 'llama.cpp') return kind === 'onnx' ? 'llama.cpp quantizes GGUF files (and Hugging Face checkpoints converted to GGUF), not ONNX graphs' : null;
  if (target === 'onnxruntime') return kind === 'onnx' ? null : 'ONNX Runtime quantizes ONNX graphs (.onnx files)';
  if (kind === 'gguf') return `${target} quantizes Hugging Face checkpoints; a GGUF is planned for llama.cpp`;
  return kind === 'onnx' ? `${target} quantizes PyTorch (Hugging Face) models, not ONNX graphs` : null;
}

/** Every target, those that do not apply to the file disabled with why. */
export function targetOptions(fileName: string): PlanTargetOption[] {
  const kind = planFileKind([fileName]);
  return PLAN_TARGET_NAMES.map((name) => ({ name, disabled: whyNot(name, kind) }));
}

/**
 * The target a new Plan tab starts with: the CLI's default for the same file, unless the tab does not
 * offer it for that file (ModelOpt for an ONNX graph), then the first target that applies.
 */
export function defaultTarget(fileName: string): PlanTargetName {
  const kind = planFileKind([fileName]);
  const cliDefault = defaultPlanTarget([fileName]);
  if (whyNot(cliDefault, kind) === null) return cliDefault;
  return PLAN_TARGET_NAMES.find((name) => whyNot(name, kind) === null) ?? cliDefault;
}

/** The stock presets of a target other than llama.cpp (whose presets depend on the model). */
export function targetPresetNames(target: Exclude<PlanTargetName, 'llama.cpp'>): string[] {
  return Object.keys(TARGET_PRESETS[target]);
}

/** The exports that write plans of `target` (ModelOpt has two: quant_cfg and hf_quant_config.json). */
export function exportsOf(target: PlanTargetName): PlanExport[] {
  return PLAN_EXPORTS.filter((e) => e.target === target);
}

/** `model.Q4_K_M.tensor-types.txt`: the file name the save dialog proposes. */
export function exportFileName(modelFile: string, planLabel: string, exportName: string): string {
  const base = modelFile.replace(/\.(gguf|safetensors|onnx)$/i, '');
  return `${base}.${planLabel.replace(/[^\w.-]+/g, '-')}.${EXPORT_SUFFIX[exportName] ?? `${exportName}.txt`}`;
}
