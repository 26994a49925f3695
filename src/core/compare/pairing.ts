import { UsageError } from '../errors';
import { hfToGguf } from '../naming/hfGguf';
import type { Model, TensorEntry } from '../tensor';
import { findFused } from './fused';
import type { CompareFinding, CompareMapping } from '../../shared/compareTypes';

/** Two tensors matched by name, not yet checked for shape or measured. */
export interface NamedPair {
  readonly reference: TensorEntry;
  readonly candidate: TensorEntry;
  /** Set when one side is the rows of a fused tensor holding this part (q, k, v, gate, up); that side is the slice. */
  readonly split?: string;
}

export interface Pairing {
  readonly pairs: readonly NamedPair[];
  readonly unpaired: { readonly reference: string[]; readonly candidate: string[] };
}

/** The GGUF architecture of whichever side is a GGUF file (the side that names it), else null. */
export function ggufArchitecture(model: Model): string | null {
  const arch = model.format === 'gguf' ? model.metadata['general.architecture'] : undefined;
  return typeof arch === 'string' ? arch : null;
}

/** A name in GGUF's convention when `arch` maps it (one expert of a merged tensor is left as is: it has no GGUF tensor of its own). */
function ggufKey(name: string, arch: string | null): string {
  if (arch === null) return name;
  const gguf = hfToGguf(name, arch);
  return gguf !== null && gguf.expert === null ? gguf.name : name;
}

/**
 * Pairs tensors by name: a user map first, then (auto, file) fused tensors with their separate parts,
 * identical names, and names translated Hugging Face <-> GGUF for the architecture a GGUF side
 * declares. What stays unmatched is listed.
 */
export function pairByName(reference: Model, candidate: Model, mapping: CompareMapping): Pairing {
  const refByName = new Map(reference.tensors.map((t) => [t.name, t]));
  const candByName = new Map(candidate.tensors.map((t) => [t.name, t]));
  const pairs: NamedPair[] = [];
  const take = (r: string, c: string): void => {
    pairs.push({ reference: refByName.get(r)!, candidate: candByName.get(c)! });
    refByName.delete(r);
    candByName.delete(c);
  };
  if (mapping.kind === 'file') {
    for (const [r, c] of Object.entries(mapping.map)) {
      if (!refByName.has(r)) throw new UsageError(`compare: --map names '${r}', which the reference does not hold (or maps twice)`);
      if (!candByName.has(c)) throw new UsageError(`compare: --map names '${c}', which the candidate does not hold (or maps twice)`);
      take(r, c);
    }
  }
  const arch = ggufArchitecture(candidate) ?? ggufArchitecture(reference);
  if (mapping.kind !== 'none') pairFused(refByName, candByName, (n) => ggufKey(n, arch), pairs);
  for (const name of [...refByName.keys()]) if (candByName.has(name)) take(name, name);
  if (mapping.kind !== 'none') {
    const candByKey = new Map([...candByName.keys()].map((c) => [ggufKey(c, arch), c]));
    for (const r of [...refByName.keys()]) {
      const c = candByKey.get(ggufKey(r, arch));
      if (c !== undefined && candByName.has(c)) take(r, c);
    }
  }
  return { pairs, unpaired: { reference: [...refByName.keys()], candidate: [...candByName.keys()] } };
}

/** Pairs each fused tensor's row slices with the other side's separate parts (both directions), taking them out of the maps. */
function pairFused(refByName: Map<string, TensorEntry>, candByName: Map<string, TensorEntry>, keyOf: (name: string) => string, pairs: NamedPair[]): void {
  for (const fusedIsReference of [true, false]) {
    const [fusedSide, otherSide] = fusedIsReference ? [refByName, candByName] : [candByName, refByName];
    const otherByKey = new Map([...otherSide.values()].map((t) => [keyOf(t.name), t]));
    for (const match of findFused(fusedSide, otherByKey, keyOf)) {
      for (const { label, part, slice } of match.parts) {
        pairs.push(fusedIsReference ? { reference: slice, candidate: part, split: label } : { reference: part, candidate: slice, split: label });
        otherSide.delete(part.name);
      }
      fusedSide.delete(match.fused.name);
    }
  }
}

/** Findings for pairs that cannot be measured: a non-float side, or shapes that no known transform reconciles. */
export function unmeasurable(pair: NamedPair, floatDtype: (t: TensorEntry) => boolean, shapesAgree: boolean): CompareFinding | null {
  const { reference: r, candidate: c } = pair;
  if (!floatDtype(r) || !floatDtype(c)) {
    return { kind: 'dtype-mismatch', tensor: c.name, message: `${r.name} is ${r.dtype}, ${c.name} is ${c.dtype}: not both floating point` };
  }
  if (!shapesAgree) {
    return { kind: 'shape-mismatch', tensor: c.name, message: `${r.name} is [${r.shape.join(', ')}], ${c.name} is [${c.shape.join(', ')}]` };
  }
  return null;
}
