/**
 * A model's budget-planning problem, built once from its per-tensor errors: the units that choose
 * a candidate (a tensor, or a target group that must choose jointly), their options, and the
 * convex front. Solving it at a budget (`planAtBudget`) then takes well under a millisecond.
 */
import { candidateName, type Candidate } from '../costModel';
import { alphaOf, tensorDamage } from '../damage/alpha';
import { relErrOf, type ErrorTable } from '../errors/errorTable';
import type { Plan, PlanTargetName, PlanTensor, PlanType } from '../planTypes';
import { buildFront, type Front, type UnitOption } from './front';

/** The target's rules the solver honours (a PlanTarget is one). */
export interface PlanRules {
  readonly name: PlanTargetName;
  /** Why the tool never quantizes this tensor, else null. */
  notPlanned(tensor: PlanTensor): string | null;
  /** Tensors with equal keys get one candidate; null: the tensor chooses alone. */
  groupOf(tensor: PlanTensor): string | null;
  /** Stored bytes under the candidate as the tool writes them, or null when it cannot apply it there. */
  bytesOf(candidate: Candidate, tensor: PlanTensor): number | null;
  /** What the tool writes instead of a candidate it cannot apply (its fallback rule), or null: the candidate is dropped there. */
  fallback?(candidate: Candidate, tensor: PlanTensor): { readonly candidate: Candidate; readonly reason: string } | null;
}

/** A candidate as the tool applies it to one tensor: as asked, or its fallback. */
export interface ResolvedCandidate {
  /** What the tool writes. */
  readonly candidate: Candidate;
  readonly bytes: number;
  /** The candidate asked for when a fallback replaced it, else null. */
  readonly requested: Candidate | null;
  /** The fallback rule in words, else null. */
  readonly fallback: string | null;
}

/** What the tool writes for `tensor` when `candidate` is asked for, or null when neither it nor a fallback applies. */
export function resolveCandidate(rules: PlanRules, candidate: Candidate, tensor: PlanTensor): ResolvedCandidate | null {
  const bytes = rules.bytesOf(candidate, tensor);
  if (bytes !== null) return { candidate, bytes, requested: null, fallback: null };
  const instead = rules.fallback?.(candidate, tensor) ?? null;
  const insteadBytes = instead === null ? null : rules.bytesOf(instead.candidate, tensor);
  if (instead === null || insteadBytes === null) return null;
  return { candidate: instead.candidate, bytes: insteadBytes, requested: candidate, fallback: instead.reason };
}

/** The distinct candidates the tool can write for `tensor` from `candidates` (fallbacks included): the errors a plan needs. */
export function candidatesFor(rules: PlanRules, tensor: PlanTensor, candidates: readonly Candidate[]): Candidate[] {
  const out = new Map<string, Candidate>();
  for (const c of candidates) {
    const resolved = resolveCandidate(rules, c, tensor);
    if (resolved !== null) out.set(candidateName(resolved.candidate), resolved.candidate);
  }
  return [...out.values()];
}

/** The type a plan shows for a tensor under a candidate: the stored type when kept, else the candidate's name. */
export function plannedTypeName(candidate: Candidate, tensor: PlanTensor): string {
  return candidate.kind === 'keep' ? tensor.type : candidateName(candidate);
}

/** What one option gives one member tensor. */
export interface OptionMember {
  readonly type: string;
  /** What the tool writes for this tensor (the option's candidate, or its fallback here). */
  readonly candidate: Candidate;
  readonly bytes: number;
  readonly relErr: number;
  /** The type asked for when the tool's fallback replaced it, else null. */
  readonly requested: PlanType | null;
  /** The fallback rule in words, else null. */
  readonly fallback: string | null;
}

/** One option of a unit: a candidate asked for and what it gives each member tensor. */
export interface PlanOption extends UnitOption {
  readonly candidate: Candidate;
  /** Per member (the unit's order). */
  readonly members: readonly OptionMember[];
}

export interface PlanUnit {
  /** Indices into the model's tensors. */
  readonly tensors: readonly number[];
  /** The group key, or null for a tensor that chooses alone. */
  readonly group: string | null;
  readonly options: readonly PlanOption[];
}

export interface PlanProblem {
  readonly target: PlanTargetName;
  readonly tensors: readonly PlanTensor[];
  /** Per tensor: why it is not planned (kept as stored), else null. */
  readonly fixedReasons: readonly (string | null)[];
  /** Bytes of the tensors not planned. */
  readonly fixedBytes: number;
  readonly totalValues: number;
  readonly units: readonly PlanUnit[];
  /** The units' front; its bytes exclude fixedBytes. */
  readonly front: Front;
  /** The alpha of each tensor (role default times the refit scale). */
  readonly alphas: Float64Array;
  /** Stock plans (presets) whose every type is an option here: starts the solver improves on, so it is never worse at their size. */
  readonly seeds: readonly PlanSeed[];
}

/** A stock plan as the units' options. */
export interface PlanSeed {
  readonly name: string;
  /** Per unit, the option with the stock plan's types. */
  readonly choice: Int32Array;
}

/** `plan` as one option per unit (the option whose types are the plan's for every member), or null when some unit has none. */
export function seedOf(plan: Plan, units: readonly PlanUnit[]): PlanSeed | null {
  const choice = new Int32Array(units.length);
  for (const [u, unit] of units.entries()) {
    const k = unit.options.findIndex((o) => o.members.every((m, j) => m.type === plan.tensors[unit.tensors[j]!]?.type));
    if (k < 0) return null;
    choice[u] = k;
  }
  return { name: plan.preset ?? 'plan', choice };
}

/** The tensors (indices) of each unit, by group key (`\u0000i` for a tensor that chooses alone); fixed tensors left out. */
function unitMembers(tensors: readonly PlanTensor[], rules: PlanRules, fixedReasons: readonly (string | null)[]): Map<string, number[]> {
  const members = new Map<string, number[]>();
  tensors.forEach((t, i) => {
    if (fixedReasons[i] !== null) return;
    const group = rules.groupOf(t);
    const key = group === null ? `\u0000${i}` : group;
    const list = members.get(key) ?? [];
    list.push(i);
    members.set(key, list);
  });
  return members;
}

/**
 * The size of the smallest plan over `candidates`, from the cost model alone (no errors needed):
 * an impossible budget is refused before any error is computed. Equals smallestPlan of the problem.
 */
export function smallestPlanBytes(tensors: readonly PlanTensor[], candidates: readonly Candidate[], rules: PlanRules): number {
  const fixedReasons = tensors.map((t) => rules.notPlanned(t));
  let bytes = tensors.reduce((n, t, i) => n + (fixedReasons[i] !== null ? t.bytes : 0), 0);
  for (const indices of unitMembers(tensors, rules, fixedReasons).values()) {
    let least = Infinity;
    for (const candidate of candidates) {
      const sizes = indices.map((i) => resolveCandidate(rules, candidate, tensors[i]!)?.bytes ?? null);
      if (sizes.every((b) => b !== null)) least = Math.min(least, (sizes as number[]).reduce((n, b) => n + b, 0));
    }
    // no candidate fits: kept as stored
    bytes += Number.isFinite(least) ? least : indices.reduce((n, i) => n + tensors[i]!.bytes, 0);
  }
  return bytes;
}

/**
 * The problem for `tensors` over `candidates`. A unit none of whose candidates fits (rows not a
 * whole number of blocks for every candidate) is kept as stored, like a tensor the target never plans.
 */
export function buildPlanProblem(
  tensors: readonly PlanTensor[], candidates: readonly Candidate[], errors: ErrorTable, rules: PlanRules, alphaScale = 1, stock: readonly Plan[] = [],
): PlanProblem {
  const alphas = Float64Array.from(tensors, (t) => alphaOf(t.name, alphaScale));
  const fixedReasons: (string | null)[] = tensors.map((t) => rules.notPlanned(t));
  const members = unitMembers(tensors, rules, fixedReasons);
  const units: PlanUnit[] = [];
  for (const [key, indices] of members) {
    const options: PlanOption[] = [];
    const seen = new Set<string>();
    const resolved = candidates.map((candidate) => ({ candidate, members: indices.map((i) => resolveCandidate(rules, candidate, tensors[i]!)) }));
    // candidates that apply as asked first, so a fallback that lands on a listed type merges into it
    const direct = (r: (typeof resolved)[number]): boolean => r.members.every((m) => m !== null && m.requested === null);
    for (const { candidate, members: perMember } of [...resolved.filter(direct), ...resolved.filter((r) => !direct(r))]) {
      if (perMember.some((m) => m === null)) continue;
      const fitted = (perMember as ResolvedCandidate[]).map((m, k): OptionMember => {
        const t = tensors[indices[k]!]!;
        const requested = m.requested !== null && (m.requested.kind === 'ggml' || m.requested.kind === 'float') ? m.requested.type : null;
        return { type: plannedTypeName(m.candidate, t), candidate: m.candidate, bytes: m.bytes, relErr: relErrOf(errors, t, m.candidate), requested, fallback: m.fallback };
      });
      const signature = fitted.map((m) => m.type).join();
      if (seen.has(signature)) continue;
      seen.add(signature);
      const bytes = fitted.reduce((n, m) => n + m.bytes, 0);
      const damage = fitted.reduce((d, m, k) => d + tensorDamage(alphas[indices[k]!]!, m.relErr), 0);
      options.push({ candidate, members: fitted, bytes, damage });
    }
    if (options.length === 0) {
      for (const i of indices) fixedReasons[i] = `no candidate fits a row of ${tensors[i]!.ne[0]} values`;
      continue;
    }
    units.push({ tensors: indices, group: key.startsWith('\u0000') ? null : key, options });
  }
  const fixedBytes = tensors.reduce((n, t, i) => n + (fixedReasons[i] !== null ? t.bytes : 0), 0);
  return {
    target: rules.name, tensors, fixedReasons, fixedBytes,
    totalValues: tensors.reduce((n, t) => n + t.numel, 0),
    units, front: buildFront(units.map((u) => u.options)), alphas,
    seeds: stock.map((p) => seedOf(p, units)).filter((seed): seed is PlanSeed => seed !== null),
  };
}
