/** PTQ configs as the CLI spells them (CLI.md `ptq --weights`, `--activations`). */
import type { Granularity, IntMode, RangeMethod } from '../../../shared/analysisTypes';
import { UsageError } from '../../errors';
import { isRangeMethod } from '../../../shared/vocab/rangeMethods';

/** CLI.md: "`int8`, `int4`, `int2` symmetric per tensor". */
export const DEFAULT_WEIGHT_CONFIGS = ['int8:symmetric:tensor', 'int4:symmetric:tensor', 'int2:symmetric:tensor'] as const;
/** CLI.md analyze `--group-size` default, used when a group config names no size. */
const DEFAULT_GROUP_SIZE = 128;

export interface WeightConfig {
  readonly label: string;
  readonly bits: number;
  readonly mode: IntMode;
  readonly granularity: Granularity;
  readonly groupSize: number | null;
}

/** `int<b>[:symmetric|asymmetric][:tensor|channel|group[:N]]`. */
export function parseWeightConfig(text: string): WeightConfig {
  const parts = text.trim().split(':');
  const bitsMatch = /^int([2-8])$/.exec(parts[0] ?? '');
  const fail = (why: string): never => { throw new UsageError(`--weights ${text}: ${why} (e.g. int8:symmetric:tensor, int4:asymmetric:group:64)`); };
  if (!bitsMatch) return fail('expected int2..int8 first');
  const mode = (parts[1] ?? 'symmetric') as IntMode;
  if (mode !== 'symmetric' && mode !== 'asymmetric') return fail(`unknown mode ${mode}`);
  const granularity = (parts[2] ?? 'tensor') as Granularity;
  if (granularity !== 'tensor' && granularity !== 'channel' && granularity !== 'group') return fail(`unknown granularity ${granularity}`);
  let groupSize: number | null = null;
  if (granularity === 'group') {
    groupSize = parts[3] === undefined ? DEFAULT_GROUP_SIZE : Number(parts[3]);
    if (!Number.isInteger(groupSize) || groupSize <= 0) return fail('group size must be a positive integer');
  } else if (parts.length > 3) return fail('only group takes a size');
  const bits = Number(bitsMatch[1]);
  const label = `int${bits}:${mode}:${granularity}${groupSize !== null ? `:${groupSize}` : ''}`;
  return { label, bits, mode, granularity, groupSize };
}

export interface ActivationConfig {
  readonly label: string;
  /** QuantizeLinear's zero-point type: uint8 asymmetric, int8 symmetric (onnxruntime's defaults). */
  readonly type: 'uint8' | 'int8';
  readonly mode: IntMode;
  readonly method: RangeMethod;
}

/** `uint8|int8[:<range method>]`, method default minmax. */
export function parseActivationConfig(text: string): ActivationConfig {
  const trimmed = text.trim();
  const at = trimmed.indexOf(':');
  const type = at < 0 ? trimmed : trimmed.slice(0, at);
  const method = at < 0 ? 'minmax' : trimmed.slice(at + 1);
  if (type !== 'uint8' && type !== 'int8') throw new UsageError(`--activations ${text}: expected uint8 or int8, optionally :<range method> (e.g. uint8:histogram)`);
  if (!isRangeMethod(method)) throw new UsageError(`--activations ${text}: unknown range method ${method}`);
  return { label: `${type}:${method}`, type, mode: type === 'uint8' ? 'asymmetric' : 'symmetric', method };
}
