import type { TensorEntry, Values } from '../tensor';

/**
 * Tensors one convention keeps fused and another keeps split, the parts stacked along the rows in
 * this order: Phi-3's `qkv_proj` (q, k, v) and `gate_up_proj` (gate, up: `chunk(2)` gives gate
 * first), GGUF's `attn_qkv`, and Phi-3's GGUF `ffn_up` which the converter fills with `gate_up_proj`.
 */
interface FusedRule {
  /** Infix of the fused tensor's name. */
  readonly fused: string;
  /** Label and infix of each part's name (on the same side's convention), in row order. */
  readonly parts: readonly (readonly [label: string, infix: string])[];
}

const FUSED_RULES: readonly FusedRule[] = [
  { fused: '.self_attn.qkv_proj.', parts: [['q', '.self_attn.q_proj.'], ['k', '.self_attn.k_proj.'], ['v', '.self_attn.v_proj.']] },
  { fused: '.mlp.gate_up_proj.', parts: [['gate', '.mlp.gate_proj.'], ['up', '.mlp.up_proj.']] },
  { fused: '.attn_qkv.', parts: [['q', '.attn_q.'], ['k', '.attn_k.'], ['v', '.attn_v.']] },
  { fused: '.ffn_up.', parts: [['gate', '.ffn_gate.'], ['up', '.ffn_up.']] },
];

/** One part of a fused tensor found on the other side. */
export interface FusedPart {
  readonly label: string;
  /** The other side's tensor holding this part alone. */
  readonly part: TensorEntry;
  /** The fused tensor's rows that hold it. */
  readonly slice: TensorEntry;
}

export interface FusedMatch {
  readonly fused: TensorEntry;
  readonly parts: readonly FusedPart[];
}

/**
 * Rows [rowStart, rowStart + rows) of a tensor, read through the tensor itself. A read whose start
 * falls inside one of the tensor's blocks (a part of a decoded group not starting on a block edge:
 * Phi-3-medium's v at row 6400, blocks of 512 rows) reads from that block's start, as the tensor's
 * reads must, and keeps the rows asked for.
 */
export function rowSlice(t: TensorEntry, rowStart: number, rows: number): TensorEntry {
  const cols = t.numel / t.shape[0]!;
  const offset = rowStart * cols;
  const numel = rows * cols;
  const block = t.data.blockSize;
  const read = async (start: number, count: number): Promise<Values> => {
    const from = offset + start;
    const aligned = from - (from % block);
    if (aligned === from) return t.data.read(from, count);
    return (await t.data.read(aligned, from + count - aligned)).subarray(from - aligned);
  };
  return { ...t, shape: [rows, ...t.shape.slice(1)], numel, byteLength: Math.round((t.byteLength * numel) / t.numel), data: { blockSize: block, read } };
}

function trailingDims(t: TensorEntry): string {
  return t.shape.slice(1).join(',');
}

/**
 * The tensors of `fusedSide` that stack parts held separately by `otherSide`: every part must be
 * there (looked up through `keyOf`, the name both sides share), with the same trailing dims and rows
 * adding up, none of them also on the fused side.
 */
export function findFused(
  fusedSide: ReadonlyMap<string, TensorEntry>,
  otherByKey: ReadonlyMap<string, TensorEntry>,
  keyOf: (name: string) => string,
): FusedMatch[] {
  const out: FusedMatch[] = [];
  for (const fused of fusedSide.values()) {
    const rule = FUSED_RULES.find((r) => fused.name.includes(r.fused));
    if (!rule || fused.shape.length === 0) continue;
    const partNames = rule.parts.map(([, infix]) => fused.name.replace(rule.fused, infix));
    if (partNames.some((n) => n !== fused.name && fusedSide.has(n))) continue;
    const parts = partNames.map((n) => otherByKey.get(keyOf(n)));
    if (parts.some((p) => p === undefined || p.shape.length !== fused.shape.length || trailingDims(p) !== trailingDims(fused))) continue;
    const found = parts as TensorEntry[];
    if (found.reduce((s, p) => s + p.shape[0]!, 0) !== fused.shape[0]) continue;
    let row = 0;
    const matched: FusedPart[] = [];
    for (const [i, part] of found.entries()) {
      matched.push({ label: rule.parts[i]![0], part, slice: rowSlice(fused, row, part.shape[0]!) });
      row += part.shape[0]!;
    }
    out.push({ fused, parts: matched });
  }
  return out;
}
