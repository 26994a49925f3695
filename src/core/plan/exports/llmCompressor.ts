/**
 * An llm-compressor recipe (QuantizationModifier with config_groups, as in llm-compressor's
 * examples and compressed_tensors/quantization/quant_scheme.py): one group per format whose
 * `targets` are the planned modules by exact name, `weights` the format's QuantizationArgs
 * (num_bits, type, symmetric, strategy, group_size), `ignore` the Linear layers the plan keeps.
 * YAML written by hand: flow sequences and double-quoted strings (JSON's escapes are YAML's).
 */
import { UsageError } from '../../errors';
import { candidateName } from '../costModel';
import { whyNotLinearWeight } from '../targets/hfLinear';
import { moduleName, pyString, type PlanExport } from './planExport';

type Weights = Readonly<Record<string, number | string | boolean>>;

const WEIGHTS: Readonly<Record<string, Weights>> = {
  int4_g128: { num_bits: 4, type: 'int', symmetric: true, strategy: 'group', group_size: 128 },
  int4_g128_asym: { num_bits: 4, type: 'int', symmetric: false, strategy: 'group', group_size: 128 },
  int8_ch: { num_bits: 8, type: 'int', symmetric: true, strategy: 'channel' },
  fp8: { num_bits: 8, type: 'float', symmetric: true, strategy: 'tensor' },
  fp8_ch: { num_bits: 8, type: 'float', symmetric: true, strategy: 'channel' },
  nvfp4: { num_bits: 4, type: 'float', symmetric: true, strategy: 'tensor_group', group_size: 16 },
};

const yamlValue = (v: number | string | boolean): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const yamlList = (items: readonly string[]): string => `[${items.map((s) => JSON.stringify(s)).join(', ')}]`;

export const LLM_COMPRESSOR_RECIPE: PlanExport = {
  name: 'llm-compressor',
  target: 'llm-compressor',
  write(plan, tensors) {
    if (plan.target !== 'llm-compressor') throw new UsageError(`an llm-compressor recipe needs an llm-compressor plan, not ${plan.target}`);
    const groups = new Map<string, string[]>();
    const ignore: string[] = [];
    plan.tensors.forEach((t, i) => {
      if (t.candidate.kind === 'keep') {
        if (whyNotLinearWeight(tensors[i]!) === null) ignore.push(moduleName(t.name));
        return;
      }
      const name = candidateName(t.candidate);
      if (!WEIGHTS[name]) throw new UsageError(`${t.name}: ${name} has no llm-compressor scheme`);
      groups.set(name, [...(groups.get(name) ?? []), moduleName(t.name)]);
    });
    const lines = [
      `# QuantLens plan${plan.preset ? ` (${plan.preset})` : ''}: ${plan.bitsPerWeight.toFixed(3)} bits per weight`,
      'default_stage:',
      '  default_modifiers:',
      '    QuantizationModifier:',
      `      ignore: ${yamlList(ignore)}`,
      '      config_groups:',
    ];
    [...groups.entries()].forEach(([name, targets], i) => {
      lines.push(`        group_${i}:`, `          targets: ${yamlList(targets)}`, '          weights:');
      for (const [key, value] of Object.entries(WEIGHTS[name]!)) lines.push(`            ${key}: ${yamlValue(value)}`);
    });
    if (groups.size === 0) lines[lines.length - 1] = '      config_groups: {}';
    return `${lines.join('\n')}\n`;
  },
  apply(file) {
    return `from llmcompressor import oneshot\noneshot(model=model, recipe=${pyString(file)}, dataset=dataset)`;
  },
};
