/**
 * TypeScript views of the decoded ONNX messages that QuantLens reads or rewrites (schema.ts
 * declares every field; fields not listed here still survive a round trip untouched).
 * Names follow onnx.proto. A decoded message reads absent scalars as their defaults (0, '').
 */
import type Long from 'long';

/** protobufjs decodes int64 as Long; new values may be plain numbers. */
export type Int64 = number | Long;

/** AttributeProto.AttributeType values used here. */
export const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, INTS: 7, GRAPHS: 10 } as const;

export interface StringStringEntryProto {
  key?: string;
  value?: string;
}

export interface TensorProto {
  dims: Int64[];
  data_type?: number;
  name?: string;
  raw_data?: Uint8Array;
  float_data: number[];
  int32_data: number[];
  int64_data: Int64[];
  double_data: number[];
  uint64_data: Int64[];
  external_data: StringStringEntryProto[];
  data_location?: number;
}

export interface TensorShapeDimension {
  dim_value?: Int64;
  dim_param?: string;
}

export interface TypeProto {
  tensor_type?: { elem_type?: number; shape?: { dim: TensorShapeDimension[] } };
}

export interface ValueInfoProto {
  name?: string;
  type?: TypeProto;
}

export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  ints?: Int64[];
  graphs?: GraphProto[];
}

export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute: AttributeProto[];
}

export interface GraphProto {
  node: NodeProto[];
  name?: string;
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  value_info: ValueInfoProto[];
}

export interface OperatorSetIdProto {
  domain?: string;
  version?: Int64;
}

export interface ModelProto {
  ir_version?: Int64;
  opset_import: OperatorSetIdProto[];
  producer_name?: string;
  graph?: GraphProto;
}

/** Exact for |v| < 2^53, which covers every dim, attribute and opset version in practice. */
export function int64ToNumber(v: Int64 | null | undefined): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  return v.toNumber();
}
