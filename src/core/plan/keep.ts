import type { Candidate } from './costModel';
import type { Plan, PlanTensor } from './planTypes';

const KEEP: Candidate = { kind: 'keep' };

/**
 * The plan with every tensor whose name (or Hugging Face source name) matches `pattern` kept as
 * it is stored (--keep). Tensors already kept are unchanged.
 */
export function withKept(plan: Plan, tensors: readonly PlanTensor[], pattern: RegExp): Plan {
  const planned = plan.tensors.map((t, i) => {
    const source = tensors[i]!;
    const matches = [source.name, ...(source.sourceNames ?? [])].some((n) => pattern.test(n));
    if (!matches || t.type === source.type) return t;
    return { name: t.name, type: source.type, candidate: KEEP, bytes: source.bytes, requested: null, reason: `kept as ${source.type}: --keep` };
  });
  const totalBytes = planned.reduce((n, t) => n + t.bytes, 0);
  return { ...plan, tensors: planned, totalBytes, bitsPerWeight: plan.totalValues > 0 ? (8 * totalBytes) / plan.totalValues : 0 };
}
