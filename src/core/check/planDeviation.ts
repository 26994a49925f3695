import { FormatError } from '../errors';
import type { Model } from '../tensor';
import type { CheckCase } from './thresholds';

/** The part of `quantlens plan --json` (CLI.md) a deviation check reads: each tensor's planned type. */
export interface PlannedTypes {
  readonly file: string;
  readonly tensors: readonly { readonly name: string; readonly type: string }[];
}

/** A tensor whose stored type is not the plan's (or that only one of plan and file has). */
export interface PlanDeviation {
  readonly tensor: string;
  /** null: the file holds a tensor the plan does not list. */
  readonly planned: string | null;
  /** null: the plan lists a tensor the file does not hold. */
  readonly actual: string | null;
  readonly message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a plan JSON's text; anything but `{"tensors": [{"name", "type"}, ...]}` is a one-line FormatError. */
export function parsePlanJson(text: string, file: string): PlannedTypes {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new FormatError('json', `not JSON: ${(e as Error).message.split('\n')[0]!}`, undefined, file);
  }
  const tensors = isRecord(parsed) ? parsed['tensors'] : undefined;
  if (!Array.isArray(tensors) || !tensors.every((t) => isRecord(t) && typeof t['name'] === 'string' && typeof t['type'] === 'string')) {
    throw new FormatError('json', 'not a `quantlens plan --json` result (no tensors with name and type)', undefined, file);
  }
  return { file, tensors: tensors.map((t: Record<string, unknown>) => ({ name: t['name'] as string, type: t['type'] as string })) };
}

/** Every tensor of `model` whose type differs from the plan's, in the plan's order, then the file's tensors the plan lacks. */
export function planDeviations(plan: PlannedTypes, model: Model): PlanDeviation[] {
  const actual = new Map(model.tensors.map((t) => [t.name, t.dtype as string]));
  const out: PlanDeviation[] = [];
  for (const { name, type } of plan.tensors) {
    const stored = actual.get(name);
    if (stored === undefined) out.push({ tensor: name, planned: type, actual: null, message: `planned ${type}, not in the file` });
    else if (stored !== type) out.push({ tensor: name, planned: type, actual: stored, message: `planned ${type}, stored as ${stored}` });
    actual.delete(name);
  }
  for (const [name, stored] of actual) out.push({ tensor: name, planned: null, actual: stored, message: `stored as ${stored}, not in the plan` });
  return out;
}

/** A check case per tensor of the plan and the file: failed when its stored type deviates. */
export function checkPlan(plan: PlannedTypes, model: Model): CheckCase[] {
  const deviations = new Map(planDeviations(plan, model).map((d) => [d.tensor, d]));
  const names = [...new Set([...plan.tensors.map((t) => t.name), ...model.tensors.map((t) => t.name)])];
  return names.map((name) => {
    const d = deviations.get(name);
    return { file: model.file, name, failures: d ? [{ rule: 'plan' as const, message: d.message }] : [] };
  });
}
