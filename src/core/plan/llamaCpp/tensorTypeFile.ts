/**
 * A plan in llama-quantize's own syntax: a --tensor-type-file of `pattern=type` entries, one per
 * line (tools/quantize/quantize.cpp parse_tensor_type_file; patterns are std::regex searched in
 * each name, lower-cased on reading). Each pattern is anchored to one tensor's full name, so
 * `llama-quantize --tensor-type-file FILE IN OUT BASE` writes exactly the plan: overrides replace
 * the mixture rules, and the planned types already fit their rows, so no fallback changes them.
 */
import { UsageError } from '../../errors';
import type { DType } from '../../../shared/vocab/dtypes';
import { isPlainDType } from '../../../shared/vocab/dtypes';
import type { Plan, PlannedTensor, PlanType } from '../planTypes';
import { ftypeOf, LLAMA_FTYPES, type LlamaFtype } from './ftypes';
import { ggmlTypeName } from './ggmlNames';
import { whyNotQuantized } from './notQuantized';
import type { LlamaModel } from './planPreset';

const PLAIN_TARGETS: ReadonlySet<string> = new Set(['F32', 'F16', 'BF16']);

/** llama-quantize applies --tensor-type only when the base ftype is quantized (not F32/F16/BF16). */
export function overridesApply(base: LlamaFtype): boolean {
  return !PLAIN_TARGETS.has(LLAMA_FTYPES[base].defaultType);
}

/** The base ftype to pass with the file: the plan's preset when overrides apply to it, else Q8_0 (every tensor is listed, so only the file-type tag differs). */
export function exportBase(plan: Plan): LlamaFtype {
  const preset = plan.preset === null ? null : ftypeOf(plan.preset);
  return preset !== null && overridesApply(preset) ? preset : 'Q8_0';
}

/** A regex matching exactly `name`, still exact after llama-quantize lower-cases it (capitals as \x escapes). */
function anchoredPattern(name: string): string {
  const escaped = [...name].map((ch) => {
    if (/[.*+?^${}()|[\]\\/]/.test(ch)) return `\\${ch}`;
    if (ch !== ch.toLowerCase() || ch === ' ' || ch === '=') return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    return ch;
  });
  return `^${escaped.join('')}$`;
}

/** The type llama-quantize is asked to write: the planned ggml or float type, or the stored one for a kept tensor. */
function llamaTypeOf(t: PlannedTensor, stored: DType): PlanType {
  const { candidate } = t;
  if (candidate.kind === 'ggml' || candidate.kind === 'float') return candidate.type;
  if (candidate.kind !== 'keep') throw new UsageError(`${t.name}: llama-quantize cannot write ${t.type} (a llama.cpp plan holds ggml and float types)`);
  if (isPlainDType(stored) && !PLAIN_TARGETS.has(stored)) throw new UsageError(`a plan cannot store a quantized tensor as ${stored}`);
  return stored as PlanType;
}

/** One line per tensor llama-quantize may quantize (the others it keeps whatever the file says). */
export function tensorTypeFile(plan: Plan, model: Pick<LlamaModel, 'tensors'>): string {
  const lines: string[] = [];
  plan.tensors.forEach((t, i) => {
    const source = model.tensors[i]!;
    if (whyNotQuantized(source.name, source.ne) !== null) return;
    if (/[^\x20-\x7e]/.test(t.name)) throw new UsageError(`${t.name}: only printable ASCII names can be written as llama-quantize patterns`);
    lines.push(`${anchoredPattern(t.name)}=${ggmlTypeName(llamaTypeOf(t, source.type))}`);
  });
  return lines.join('\n') + '\n';
}
