import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeModel, encodeModel } from '../../../src/core/onnxproto/codec';
import { PLAN_FIXTURES } from './expectedPlans';

/** The models the non-llama.cpp targets are planned on: Hugging Face checkpoints and the sample ONNX MLP. */
export const HF_LLAMA = path.join(PLAN_FIXTURES, 'hf-llama', 'model.safetensors');
export const HF_MIXTRAL = path.join(PLAN_FIXTURES, 'hf-mixtral', 'model.safetensors');
export const MLP_ONNX = path.join(__dirname, '..', '..', '..', 'samples', 'mlp', 'model.onnx');

/**
 * Writes the sample MLP with fc2 a MatMul (its B [K, N] as stored) into `dir`, so MatMulNBits applies
 * besides QDQ; returns the file and fc2's node name.
 */
export function writeMatMulMlp(dir: string): { readonly file: string; readonly fc2Node: string | undefined } {
  const model = decodeModel(readFileSync(MLP_ONNX));
  const node = model.graph!.node.find((n) => n.input.includes('fc2.weight'))!;
  node.op_type = 'MatMul';
  node.attribute = [];
  node.input = node.input.slice(0, 2);
  const file = path.join(dir, 'matmul.onnx');
  writeFileSync(file, encodeModel(model));
  return { file, fc2Node: node.name };
}
