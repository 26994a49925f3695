import { FormatError } from '../errors';
import type { Model, TensorEntry } from '../tensor';
import { isFloatDType } from '../../shared/vocab/dtypes';
import { fileTypeMix, pairFindings } from './findings';
import { measurePair, type MeasureJob } from './measure';
import { ggufArchitecture, pairByName, unmeasurable, type NamedPair } from './pairing';
import { ropeGroups } from './ropePermute';
import type { ComparedPairView, CompareOutcome, CompareFinding, CompareMapping } from '../../shared/compareTypes';
import type { StorageId, StorageProblem } from '../decode/storage';

interface Heads {
  readonly q: number;
  readonly kv: number;
}

/** Heads of Q and K from a GGUF side's `<arch>.attention.head_count(_kv)`; null when neither side says. */
export function headsOf(models: readonly Model[]): Heads | null {
  for (const m of models) {
    const arch = ggufArchitecture(m);
    const q = arch === null ? undefined : m.metadata[`${arch}.attention.head_count`];
    if (typeof q !== 'number') continue;
    const kv = m.metadata[`${arch}.attention.head_count_kv`];
    return { q, kv: typeof kv === 'number' ? kv : q };
  }
  return null;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function isTransposed(a: readonly number[], b: readonly number[]): boolean {
  return a.length === 2 && b.length === 2 && a[0] === b[1] && a[1] === b[0] && a[0] !== a[1];
}

/** How a pair is measured, or null when its shapes do not agree under any transform. */
function layoutOf(pair: NamedPair, heads: Heads | null, candidateIsGguf: boolean, referenceIsGguf: boolean): MeasureJob['layout'] | null {
  const { reference: r, candidate: c } = pair;
  if (isTransposed(r.shape, c.shape)) return { kind: 'transpose' };
  if (!sameShape(r.shape, c.shape)) return null;
  // Only a Hugging Face <-> GGUF pair of separate tensors can differ by the converter's permutation: no
  // fused tensor the split rules know is permuted (convert_hf_to_gguf.py: Phi3MiniModel keeps qkv_proj as
  // attn_qkv, Ernie4_5Model.modify_tensors splits qkv_proj into unpermuted q / k / v; RuGPT3XLModel and
  // Qwen3NextModel write ATTN_QKV as it is; every LlamaModel.permute / _reverse_hf_permute call is on Q or K).
  // The fused Q/K a converter splits and permutes (BaichuanModel's W_pack, InternLM2Model's wqkv,
  // BailingMoeModel's query_key_value) match no split rule (fused.ts): those tensors stay unpaired.
  const ggufName = candidateIsGguf === referenceIsGguf || pair.split !== undefined ? null : candidateIsGguf ? c.name : r.name;
  const groups = ggufName === null ? null : ropeGroups(ggufName, heads);
  const rows = r.shape[0] ?? 0;
  const groupRows = groups === null || groups <= 0 ? 0 : rows / groups;
  const rope = Number.isInteger(groupRows) && groupRows > 0 && groupRows % 2 === 0 ? { groupRows, candidateIsGguf } : null;
  return { kind: 'same', rope };
}

const isFloat = (t: TensorEntry): boolean => isFloatDType(t.dtype);

/** Storage of the candidate's decoded tensors by name, and the groups it could not decode (decodeStorages). */
export interface CandidateStorages {
  readonly storages: ReadonlyMap<string, StorageId>;
  readonly problems: readonly StorageProblem[];
}

const NO_STORAGES: CandidateStorages = { storages: new Map(), problems: [] };

/**
 * Pairs the two models' tensors, measures every pair, and lists what looks wrong (CLI.md `compare`).
 * Models opened with openForCompare have their quantized storages decoded; pass the candidate's here.
 */
export async function compareModels(reference: Model, candidate: Model, mapping: CompareMapping, candidateStorages: CandidateStorages = NO_STORAGES): Promise<CompareOutcome> {
  const pairing = pairByName(reference, candidate, mapping);
  if (pairing.pairs.length === 0) {
    throw new FormatError('compare', `no tensor of ${candidate.file} pairs with one of ${reference.file}: not the same model (or give --map FILE)`, undefined, candidate.file);
  }
  const heads = headsOf([candidate, reference]);
  const findings: CompareFinding[] = [];
  const mix = fileTypeMix(candidate);
  if (mix) findings.push(mix);
  for (const p of candidateStorages.problems) findings.push({ kind: 'undecodable-storage', tensor: p.logical, message: `${p.storage}: ${p.message}` });
  const pairs: ComparedPairView[] = [];
  for (const pair of pairing.pairs) {
    const layout = layoutOf(pair, heads, candidate.format === 'gguf', reference.format === 'gguf');
    const problem = unmeasurable(pair, isFloat, layout !== null);
    if (problem || layout === null) {
      if (problem) findings.push(problem);
      continue;
    }
    const metrics = await measurePair({ reference: pair.reference, candidate: pair.candidate, layout });
    const storage = candidateStorages.storages.get(pair.candidate.name);
    const measured: ComparedPairView = {
      ...metrics,
      ...(pair.split === undefined ? {} : { transform: `split:${pair.split}` as const }),
      ...(storage === undefined ? {} : { candidateStorage: storage }),
    };
    pairs.push(measured);
    findings.push(...pairFindings(measured));
  }
  if (pairs.length === 0) {
    // Names match but no shape or dtype does: another model of the same family, not a version of this one.
    const first = findings.find((f) => f.kind === 'shape-mismatch' || f.kind === 'dtype-mismatch');
    throw new FormatError('compare', `no tensor of ${candidate.file} can be measured against ${reference.file}: not the same model (${pairing.pairs.length} names match${first ? `, e.g. ${first.message}` : ''})`, undefined, candidate.file);
  }
  return { reference: reference.file, candidate: candidate.file, pairs, unpaired: pairing.unpaired, findings };
}
