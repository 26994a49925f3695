/** Decode and encode whole ONNX models with protobufjs over the full schema (schema.ts). */
import Long from 'long';
import * as protobuf from 'protobufjs/light';
import { FormatError } from '../errors';
import { ONNX_SCHEMA } from './schema';
import type { ModelProto } from './types';

let modelType: protobuf.Type | undefined;

/**
 * protobufjs finds `long` through an eval'd require that a bundle cannot follow; without it int64
 * decodes to lossy numbers (INT64_MAX Slice ends would change), so hand it over explicitly.
 */
function onnxModelType(): protobuf.Type {
  if (!modelType) {
    protobuf.util.Long = Long;
    protobuf.configure();
    modelType = protobuf.Root.fromJSON(ONNX_SCHEMA).lookupType('onnx.ModelProto');
  }
  return modelType;
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  try {
    return onnxModelType().decode(bytes) as unknown as ModelProto;
  } catch (e) {
    throw new FormatError('onnx', `not a valid ONNX ModelProto: ${(e as Error).message}`);
  }
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnxModelType().encode(model as unknown as protobuf.Message).finish();
}

/** Independent deep copy (each rewrite starts from the original model). */
export function cloneModel(model: ModelProto): ModelProto {
  return decodeModel(encodeModel(model));
}
