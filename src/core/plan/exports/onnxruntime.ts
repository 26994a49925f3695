/**
 * ONNX Runtime configs. QDQ int8 through quantize_static (onnxruntime/python/tools/quantization/
 * quantize.py: nodes_to_quantize, nodes_to_exclude, per_channel, weight_type, extra_options
 * "TensorQuantOverrides": {initializer: [{"quant_type", "symmetric", "axis"}]}), and int4 blocks
 * through MatMulNBitsQuantizer (matmul_nbits_quantizer.py: block_size, is_symmetric,
 * nodes_to_include), one run per block size and symmetry. Quant types are QuantType member names.
 */
import { UsageError } from '../../errors';
import { candidateName } from '../costModel';
import type { PlanTensor } from '../planTypes';
import { ONNXRUNTIME_TARGET } from '../targets/onnxruntime';
import { pyString, type PlanExport } from './planExport';

interface MatMulNBitsRun {
  readonly bits: number;
  readonly block_size: number;
  readonly is_symmetric: boolean;
  readonly nodes_to_include: string[];
}

function nodeOf(tensor: PlanTensor): string {
  if (!tensor.consumer) throw new UsageError(`${tensor.name}: not read by a node, so ONNX Runtime cannot be told about it`);
  return tensor.consumer.node;
}

export const ONNXRUNTIME_CONFIG: PlanExport = {
  name: 'onnxruntime',
  target: 'onnxruntime',
  write(plan, tensors) {
    if (plan.target !== 'onnxruntime') throw new UsageError(`an ONNX Runtime config needs an onnxruntime plan, not ${plan.target}`);
    const overrides: Record<string, Record<string, unknown>[]> = {};
    const quantize: string[] = [];
    const exclude: string[] = [];
    const runs = new Map<string, MatMulNBitsRun>();
    plan.tensors.forEach((t, i) => {
      const source = tensors[i]!;
      const c = t.candidate;
      if (c.kind === 'keep') {
        // only a weight ONNX Runtime would quantize names its node (a bias read by the same node does not)
        if (source.consumer && ONNXRUNTIME_TARGET.notPlanned(source) === null) exclude.push(source.consumer.node);
        return;
      }
      if (c.kind !== 'int') throw new UsageError(`${t.name}: ${candidateName(c)} has no ONNX Runtime config`);
      if (c.bits === 8) {
        quantize.push(nodeOf(source));
        overrides[t.name] = [{ quant_type: 'QInt8', symmetric: true, ...(c.group === 'channel' ? { axis: source.consumer!.channelAxis } : {}) }];
        return;
      }
      if (typeof c.group !== 'number') throw new UsageError(`${t.name}: ${candidateName(c)} is not a MatMulNBits block`);
      const symmetric = c.zero === 'none';
      const key = `${c.bits}/${c.group}/${symmetric}`;
      const run = runs.get(key) ?? { bits: c.bits, block_size: c.group, is_symmetric: symmetric, nodes_to_include: [] };
      run.nodes_to_include.push(nodeOf(source));
      runs.set(key, run);
    });
    const perChannel = Object.values(overrides).some(([o]) => o !== undefined && 'axis' in o);
    const config = {
      quantize_static: quantize.length === 0 ? null : {
        nodes_to_quantize: quantize, nodes_to_exclude: [...new Set(exclude)], per_channel: perChannel, weight_type: 'QInt8',
        extra_options: { TensorQuantOverrides: overrides },
      },
      matmul_nbits: [...runs.values()],
    };
    return `${JSON.stringify(config, null, 2)}\n`;
  },
  apply(file) {
    return [
      'import json, onnx',
      'from onnxruntime.quantization import QuantType, quantize_static',
      'from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer',
      `plan = json.load(open(${pyString(file)}))`,
      'model = onnx.load(MODEL_IN)',
      'for run in plan["matmul_nbits"]:',
      '    q = MatMulNBitsQuantizer(model, block_size=run["block_size"], is_symmetric=run["is_symmetric"], nodes_to_include=run["nodes_to_include"])',
      '    q.process()',
      '    model = q.model.model',
      'onnx.save(model, MODEL_OUT)',
      's = plan["quantize_static"]',
      'if s:',
      '    for overrides in s["extra_options"]["TensorQuantOverrides"].values():',
      '        for o in overrides: o["quant_type"] = QuantType[o["quant_type"]]',
      '    quantize_static(MODEL_OUT, MODEL_OUT, calibration_reader, per_channel=s["per_channel"], weight_type=QuantType[s["weight_type"]],',
      '                    nodes_to_quantize=s["nodes_to_quantize"], nodes_to_exclude=s["nodes_to_exclude"], extra_options=s["extra_options"])',
    ].join('\n');
  },
};
