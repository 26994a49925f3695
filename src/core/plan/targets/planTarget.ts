import { UsageError } from '../../errors';
import { candidateBytes, candidateName, type Candidate } from '../costModel';
import type { PlanTensor } from '../planTypes';
import type { PlanTargetName } from '../planTypes';

/**
 * What a quantization tool can do to a model's tensors: the candidates it can write, the ones a
 * plan chooses from by default, its own rules for tensors it never quantizes, and the tensors it
 * requires to share one format. One entry per tool in PLAN_TARGETS (index.ts).
 */
export interface PlanTarget {
  readonly name: PlanTargetName;
  /** Every candidate the tool can apply, `keep` included; names (candidateName) are unique. */
  readonly candidates: readonly Candidate[];
  /** The solver's set when --candidates is not given. */
  readonly defaultCandidates: readonly Candidate[];
  /** One --candidates item (a candidate name, case-insensitive); a UsageError naming the item and the valid ones otherwise. */
  parseCandidate(text: string): Candidate;
  /** Why the tool never quantizes this tensor (its own rule, in words), or null when it may. */
  notPlanned(tensor: PlanTensor): string | null;
  /** Tensors with equal non-null keys must get one candidate (the tool fuses or shares them); null = free. */
  groupOf(tensor: PlanTensor): string | null;
  /** Stored bytes of the tensor under the candidate as this tool writes it, or null when the tool cannot apply it there. */
  bytesOf(candidate: Candidate, tensor: PlanTensor): number | null;
  /** Why the tool cannot apply the candidate to the tensor (null exactly when bytesOf is a number). */
  whyNot(candidate: Candidate, tensor: PlanTensor): string | null;
  /** What the tool writes instead when it cannot apply the candidate (its own fallback rule), or null when it has none. */
  fallback(candidate: Candidate, tensor: PlanTensor): CandidateFallback | null;
}

/** A tool's replacement for a candidate it cannot apply to a tensor, and its rule in words. */
export interface CandidateFallback {
  readonly candidate: Candidate;
  readonly reason: string;
}

/** What a target table entry states; `parseCandidate` and the default `bytesOf` derive from it. */
export interface PlanTargetSpec {
  readonly name: PlanTargetName;
  readonly candidates: readonly Candidate[];
  readonly defaultCandidates: readonly string[];
  notPlanned(tensor: PlanTensor): string | null;
  groupOf(tensor: PlanTensor): string | null;
  /** Bytes the tool writes beside the weight's values and scales (e.g. a shape member), 0 when none. */
  extraBytes?(candidate: Candidate): number;
  /** A tool-specific refusal in words (e.g. an op the format does not apply to), else null; the size is candidateBytes. */
  refusal?(candidate: Candidate, tensor: PlanTensor): string | null;
  /** The tool's fallback for a candidate whose bytesOf is null (e.g. llama-quantize's for rows not a whole number of blocks). */
  fallback?(candidate: Candidate, tensor: PlanTensor): CandidateFallback | null;
}

export function planTarget(spec: PlanTargetSpec): PlanTarget {
  const byName = new Map(spec.candidates.map((c) => [candidateName(c).toLowerCase(), c]));
  if (byName.size !== spec.candidates.length) throw new Error(`${spec.name}: candidate names are not unique`);
  const parseCandidate = (text: string): Candidate => {
    const found = byName.get(text.trim().toLowerCase());
    if (found) return found;
    throw new UsageError(`--candidates: '${text}' is not a ${spec.name} candidate (one of ${spec.candidates.map(candidateName).join(', ')})`);
  };
  const whyNot = (candidate: Candidate, tensor: PlanTensor): string | null => {
    const refused = spec.refusal?.(candidate, tensor) ?? null;
    if (refused !== null) return refused;
    if (candidateBytes(candidate, tensor) !== null) return null;
    return `a row of ${tensor.ne[0] ?? 1} values is not a whole number of ${candidateName(candidate)}'s groups`;
  };
  return {
    name: spec.name,
    candidates: spec.candidates,
    defaultCandidates: spec.defaultCandidates.map(parseCandidate),
    parseCandidate,
    notPlanned: spec.notPlanned,
    groupOf: spec.groupOf,
    bytesOf: (candidate, tensor) => {
      const bytes = whyNot(candidate, tensor) === null ? candidateBytes(candidate, tensor) : null;
      return bytes === null ? null : bytes + (spec.extraBytes?.(candidate) ?? 0);
    },
    whyNot,
    fallback: (candidate, tensor) => spec.fallback?.(candidate, tensor) ?? null,
  };
}

/** A --candidates list: comma-separated candidate names of `target`, each once. */
export function parseCandidateList(target: PlanTarget, text: string): Candidate[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (items.length === 0) throw new UsageError('--candidates: the list is empty');
  const parsed = items.map((item) => target.parseCandidate(item));
  const names = parsed.map(candidateName);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) throw new UsageError(`--candidates: ${repeated} is listed twice`);
  return parsed;
}
