/**
 * Field numbers of the ONNX messages this reader walks, from onnx/onnx.proto (checked against
 * the onnx 1.12 copy; later versions only add fields). Unlisted fields are skipped unread.
 *
 * Why a second schema beside protobufjs's full one (core/onnxproto/schema.ts): this reader lists
 * the weights of a 50 MB model by walking the bytes without materialising tensors or unread
 * fields; the full schema decodes and re-encodes whole models byte-exact for calibration and PTQ.
 * test/unit/onnx/schemas.test.ts checks that every number here matches the full schema.
 */

// onnx.proto: message ModelProto
export const MODEL = {
  IR_VERSION: 1,
  PRODUCER_NAME: 2,
  PRODUCER_VERSION: 3,
  DOMAIN: 4,
  MODEL_VERSION: 5,
  GRAPH: 7,
  OPSET_IMPORT: 8,
  METADATA_PROPS: 14,
} as const;

// onnx.proto: message OperatorSetIdProto
export const OPSET = { DOMAIN: 1, VERSION: 2 } as const;

// onnx.proto: message StringStringEntryProto
export const ENTRY = { KEY: 1, VALUE: 2 } as const;

// onnx.proto: message GraphProto
export const GRAPH = {
  NODE: 1,
  NAME: 2,
  INITIALIZER: 5,
  INPUT: 11,
  OUTPUT: 12,
  SPARSE_INITIALIZER: 15,
} as const;

// onnx.proto: message NodeProto
export const NODE = { INPUT: 1, OUTPUT: 2, NAME: 3, OP_TYPE: 4, ATTRIBUTE: 5, DOMAIN: 7 } as const;

// onnx.proto: message AttributeProto
export const ATTRIBUTE = {
  NAME: 1,
  F: 2,
  I: 3,
  S: 4,
  T: 5,
  G: 6,
  FLOATS: 7,
  INTS: 8,
  STRINGS: 9,
  TENSORS: 10,
  GRAPHS: 11,
  SPARSE_TENSOR: 22,
} as const;

// onnx.proto: message TensorProto
export const TENSOR = {
  DIMS: 1,
  DATA_TYPE: 2,
  SEGMENT: 3,
  FLOAT_DATA: 4,
  INT32_DATA: 5,
  STRING_DATA: 6,
  INT64_DATA: 7,
  NAME: 8,
  RAW_DATA: 9,
  DOUBLE_DATA: 10,
  UINT64_DATA: 11,
  EXTERNAL_DATA: 13,
  DATA_LOCATION: 14,
} as const;

// onnx.proto: TensorProto.DataLocation
export const DATA_LOCATION_DEFAULT = 0;
export const DATA_LOCATION_EXTERNAL = 1;

// onnx.proto: message SparseTensorProto
export const SPARSE_TENSOR = { VALUES: 1 } as const;

// onnx.proto: message ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto(.Dimension)
export const VALUE_INFO = { NAME: 1, TYPE: 2 } as const;
export const TYPE_PROTO = { TENSOR_TYPE: 1 } as const;
export const TENSOR_TYPE = { ELEM_TYPE: 1, SHAPE: 2 } as const;
export const SHAPE = { DIM: 1 } as const;
export const DIMENSION = { DIM_VALUE: 1, DIM_PARAM: 2 } as const;
