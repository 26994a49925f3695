/**
 * A torchao snippet: quantize_ with FqnToConfig (torchao/quantization/quant_api.py), one config
 * per planned module by its fully qualified name; modules not listed stay as they are.
 */
import { UsageError } from '../../errors';
import type { Candidate } from '../costModel';
import { candidateName } from '../costModel';
import { moduleName, pyString, type PlanExport } from './planExport';

/** The torchao config that stores a tensor as the candidate. */
function configOf(candidate: Candidate): string {
  if (candidate.kind === 'int' && candidate.bits === 4 && typeof candidate.group === 'number') return `Int4WeightOnlyConfig(group_size=${candidate.group})`;
  if (candidate.kind === 'int' && candidate.bits === 8 && candidate.group === 'channel') return 'Int8WeightOnlyConfig()';
  if (candidate.kind === 'fp8' && candidate.scale === 'channel') return 'Float8WeightOnlyConfig()';
  throw new UsageError(`${candidateName(candidate)} has no torchao config`);
}

export const TORCHAO_SNIPPET: PlanExport = {
  name: 'torchao',
  target: 'torchao',
  write(plan) {
    if (plan.target !== 'torchao') throw new UsageError(`a torchao snippet needs a torchao plan, not ${plan.target}`);
    const entries = plan.tensors.filter((t) => t.candidate.kind !== 'keep').map((t) => `    ${pyString(moduleName(t.name))}: ${configOf(t.candidate)},`);
    return [
      `# QuantLens plan${plan.preset ? ` (${plan.preset})` : ''}: ${plan.bitsPerWeight.toFixed(3)} bits per weight; modules not listed stay as they are.`,
      'from torchao.quantization import FqnToConfig, Float8WeightOnlyConfig, Int4WeightOnlyConfig, Int8WeightOnlyConfig, quantize_',
      '',
      'PLAN = FqnToConfig({',
      ...entries,
      '})',
      '',
      '',
      'def apply_plan(model):',
      '    quantize_(model, PLAN, filter_fn=None)',
      '    return model',
      '',
    ].join('\n');
  },
  apply(file) {
    return `exec(open(${pyString(file)}).read()); apply_plan(model)`;
  },
};
