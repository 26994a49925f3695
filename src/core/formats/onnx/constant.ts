import { RepeatedScalar } from '../../protobuf/repeatedScalar';
import { countVarints } from '../../protobuf/varintRunData';
import type { ProtoWalker } from '../../protobuf/walker';
import type { AttributeFields } from './attribute';
import type { SkippedTensor, TensorPlan } from './plan';
import { planTensor, readTensorProto } from './tensor';

/** value_ints are counted at open to know their shape; attribute lists are small. */
const MAX_VALUE_INTS_BYTES = 8 * 1024 * 1024;

/**
 * The tensor of a `Constant` node, named by its output (CLI.md). Every value attribute of
 * the operator is handled (onnx docs/Operators.md, Constant-13): `value` is a TensorProto,
 * `value_float(s)` are F32 and `value_int(s)` I64 scalars / 1-D tensors, read in place;
 * strings and `sparse_value` are listed as skipped.
 */
export async function planConstant(
  walker: ProtoWalker,
  output: string,
  attributes: readonly AttributeFields[],
  source: string,
  at: number,
): Promise<TensorPlan | SkippedTensor> {
  const base = { name: output, source, at };
  for (const a of attributes) {
    switch (a.name) {
      case 'value':
        if (!a.t) break;
        return planTensor(walker, await readTensorProto(walker, a.t), output, source);
      case 'value_float':
        if (!a.f) break;
        return { ...base, dtype: 'F32', shape: [], numel: 1, storage: { kind: 'fixed', run: a.f } };
      case 'value_floats': {
        const run = a.floats ?? new RepeatedScalar('fixed32', 'AttributeProto.floats');
        const numel = run.byteLength / 4;
        return { ...base, dtype: 'F32', shape: [numel], numel, storage: { kind: 'fixed', run } };
      }
      case 'value_int':
        if (!a.i) break;
        return { ...base, dtype: 'I64', shape: [], numel: 1, storage: { kind: 'varint', run: a.i } };
      case 'value_ints': {
        const run = a.ints ?? new RepeatedScalar('varint', 'AttributeProto.ints');
        const numel = await countValueInts(walker, run, at);
        return { ...base, dtype: 'I64', shape: [numel], numel, storage: { kind: 'varint', run } };
      }
      case 'value_string':
      case 'value_strings':
        return { name: output, dtype: 'STRING', source, reason: 'string constant' };
      case 'sparse_value':
        return { name: output, dtype: 'sparse', source, reason: 'sparse constant (sparse_value) is not listed as dense' };
    }
  }
  return walker.fail(`Constant node with output '${output}' has no value attribute`, at);
}

/** value_ints must be counted (varints) to know the shape: done at open, for lists the limit keeps small. */
async function countValueInts(walker: ProtoWalker, ints: RepeatedScalar, at: number): Promise<number> {
  if (ints.byteLength > MAX_VALUE_INTS_BYTES) {
    walker.fail(`Constant value_ints of ${ints.byteLength} bytes is over the ${MAX_VALUE_INTS_BYTES}-byte limit`, at);
  }
  return countVarints(walker.src.source, walker.format, ints);
}
