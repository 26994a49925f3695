import type { Plan, PlanTargetName, PlanTensor } from '../planTypes';

/** What `plan --export` writes for one tool, and how the JSON tells to apply it. */
export interface PlanExport {
  /** The --export name. */
  readonly name: string;
  /** The target whose plans it writes. */
  readonly target: PlanTargetName;
  /** The file's text. `tensors` are the plan's input, in the plan's order. */
  write(plan: Plan, tensors: readonly PlanTensor[]): string;
  /** How to apply the written file, for the plan JSON's `export` field (a command or a Python snippet). */
  apply(file: string, plan: Plan): string;
}

/** The module a Hugging Face weight belongs to (the name the PyTorch tools match). */
export function moduleName(tensorName: string): string {
  return tensorName.replace(/\.weight$/, '');
}

/** A Python string literal of `text` (JSON's escapes are Python's for these characters). */
export function pyString(text: string): string {
  return JSON.stringify(text);
}
