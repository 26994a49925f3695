import type { IntScheme, NotApplicable, Scheme } from '../../shared/analysisTypes';
import { MAX_CALIBRATION_CHANNELS } from '../quant/ranges/channelCalibration';
import { intSchemeProblem } from '../../shared/vocab/intSchemes';
import { parseRangeMethod, RANGE_METHOD_TABLE } from '../../shared/vocab/rangeMethods';
import { IntAffineRunner } from './runners/intAffineRunner';
import { IntGroupRunner } from './runners/intGroupRunner';
import type { RunnerPlan, SchemeRunner } from './runners/schemeRunner';
import { planFormat } from './runners/formatRunners';

/** The methods a group can use, for the reason given when another is asked. */
const PER_GROUP_METHODS = Object.values(RANGE_METHOD_TABLE).filter((m) => m.perGroup).map((m) => m.syntax).join(', ');

export interface SchemePlans {
  /** Runners in the order the schemes were asked, with the scheme each serves. */
  readonly runners: readonly { readonly scheme: Scheme; readonly runner: SchemeRunner }[];
  readonly notApplicable: readonly NotApplicable[];
}

/**
 * Which schemes apply to a tensor of this shape, and how each runs. A negative channel axis counts
 * from the end (numpy style); the runner's scheme carries it normalised, and so do the results.
 */
export function planSchemes(schemes: readonly Scheme[], shape: readonly number[], numel: number): SchemePlans {
  const runners: { scheme: Scheme; runner: SchemeRunner }[] = [];
  const notApplicable: NotApplicable[] = [];
  for (const asked of schemes) {
    const scheme = normaliseAxis(asked, shape.length);
    const plan = numel === 0 ? { reason: 'the tensor has no elements' }
      : scheme.kind === 'int' ? planInt(scheme, shape, numel) : planFormat(scheme, shape, numel);
    if ('reason' in plan) notApplicable.push({ scheme: asked, reason: plan.reason });
    else runners.push({ scheme, runner: plan.runner });
  }
  return { runners, notApplicable };
}

function normaliseAxis(s: Scheme, rank: number): Scheme {
  return s.kind === 'int' && s.granularity === 'channel' && s.axis < 0 && s.axis >= -rank ? { ...s, axis: s.axis + rank } : s;
}

function planInt(s: IntScheme, shape: readonly number[], numel: number): RunnerPlan {
  const problem = intSchemeProblem(s);
  if (problem) return { reason: problem };
  const method = parseRangeMethod(s.range)!;
  if (s.granularity !== 'tensor' && shape.length < 2) {
    return { reason: `per-${s.granularity} quantization applies to tensors of rank >= 2 (this one is rank ${shape.length})` };
  }
  if (s.granularity === 'channel') {
    if (!Number.isInteger(s.axis) || s.axis < 0 || s.axis >= shape.length) return { reason: `channel axis ${s.axis} is outside rank ${shape.length}` };
    if (s.range !== 'minmax' && shape[s.axis]! > MAX_CALIBRATION_CHANNELS) {
      return { reason: `range method ${s.range} per channel keeps a histogram per channel: at most ${MAX_CALIBRATION_CHANNELS} channels (axis ${s.axis} has ${shape[s.axis]})` };
    }
    return { runner: new IntAffineRunner(s, shape, numel) };
  }
  if (s.granularity === 'group') {
    if (!RANGE_METHOD_TABLE[method.kind].perGroup) {
      return { reason: `range method ${s.range} fits a histogram of 128+ bins, too many for a group's few values; per group: ${PER_GROUP_METHODS}` };
    }
    return { runner: new IntGroupRunner(s, shape[shape.length - 1]!) };
  }
  return { runner: new IntAffineRunner(s, shape, numel) };
}
