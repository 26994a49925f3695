/**
 * The ONNX protobuf schema (onnx/onnx.in.proto, IR version 13; the ONNX-ML-only TypeProto.Opaque
 * included) as a protobufjs JSON descriptor. Every field of every message is
 * declared, so a decode -> encode round trip keeps everything a current exporter writes.
 * Field names are onnx.proto's own (snake_case). Repeated scalars are unpacked unless
 * onnx.proto says `[packed = true]`, as proto2 requires, so re-encoded bytes match the original.
 *
 * Why a second schema beside the lazy reader's (core/formats/onnx/schema.ts): calibration and
 * PTQ rewrite whole models and need every field kept byte-exact, which means materialising
 * them; listing weights must read a 50 MB model without materialising its tensors, so the
 * reader walks only the fields it needs. DataType and DataLocation are the reader's constants;
 * test/unit/onnx/schemas.test.ts checks that the field numbers of both agree.
 */
import type { IEnum, IField, INamespace, IType } from 'protobufjs';
import { ONNX_DTYPE } from '../formats/onnx/dataTypes';
import { DATA_LOCATION_DEFAULT, DATA_LOCATION_EXTERNAL } from '../formats/onnx/schema';

const opt = (type: string, id: number): IField => ({ type, id });
const rep = (type: string, id: number): IField => ({ rule: 'repeated', type, id });
/** proto2 repeated scalar without `[packed = true]`. */
const repUnpacked = (type: string, id: number): IField => ({ rule: 'repeated', type, id, options: { packed: false } });
const repPacked = (type: string, id: number): IField => ({ rule: 'repeated', type, id, options: { packed: true } });

const VERSION: IEnum = {
  values: {
    _START_VERSION: 0, IR_VERSION_2017_10_10: 1, IR_VERSION_2017_10_30: 2, IR_VERSION_2017_11_3: 3,
    IR_VERSION_2019_1_22: 4, IR_VERSION_2019_3_18: 5, IR_VERSION_2019_9_19: 6, IR_VERSION_2020_5_8: 7,
    IR_VERSION_2021_7_30: 8, IR_VERSION_2023_5_5: 9, IR_VERSION_2024_3_25: 10, IR_VERSION_2025_05_12: 11,
    IR_VERSION_2025_08_26: 12, IR_VERSION: 13,
  },
};

const ATTRIBUTE_PROTO: IType = {
  fields: {
    name: opt('string', 1),
    f: opt('float', 2),
    i: opt('int64', 3),
    s: opt('bytes', 4),
    t: opt('TensorProto', 5),
    g: opt('GraphProto', 6),
    floats: repUnpacked('float', 7),
    ints: repUnpacked('int64', 8),
    strings: rep('bytes', 9),
    tensors: rep('TensorProto', 10),
    graphs: rep('GraphProto', 11),
    sparse_tensors: rep('SparseTensorProto', 23),
    doc_string: opt('string', 13),
    tp: opt('TypeProto', 14),
    type_protos: rep('TypeProto', 15),
    type: opt('AttributeType', 20),
    ref_attr_name: opt('string', 21),
    sparse_tensor: opt('SparseTensorProto', 22),
  },
  reserved: [[12, 12], [16, 19], 'v'],
  nested: {
    AttributeType: {
      values: {
        UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, SPARSE_TENSOR: 11, TYPE_PROTO: 13,
        FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10, SPARSE_TENSORS: 12, TYPE_PROTOS: 14,
      },
    },
  },
};

const VALUE_INFO_PROTO: IType = {
  fields: {
    name: opt('string', 1),
    type: opt('TypeProto', 2),
    doc_string: opt('string', 3),
    metadata_props: rep('StringStringEntryProto', 4),
  },
};

const NODE_PROTO: IType = {
  fields: {
    input: rep('string', 1),
    output: rep('string', 2),
    name: opt('string', 3),
    op_type: opt('string', 4),
    attribute: rep('AttributeProto', 5),
    doc_string: opt('string', 6),
    domain: opt('string', 7),
    overload: opt('string', 8),
    metadata_props: rep('StringStringEntryProto', 9),
    device_configurations: rep('NodeDeviceConfigurationProto', 10),
  },
};

const INT_INT_LIST_ENTRY_PROTO: IType = {
  fields: { key: opt('int64', 1), value: repUnpacked('int64', 2) },
};

const NODE_DEVICE_CONFIGURATION_PROTO: IType = {
  fields: {
    configuration_id: opt('string', 1),
    sharding_spec: rep('ShardingSpecProto', 2),
    pipeline_stage: opt('int32', 3),
  },
};

const SHARDING_SPEC_PROTO: IType = {
  fields: {
    tensor_name: opt('string', 1),
    device: repUnpacked('int64', 2),
    index_to_device_group_map: rep('IntIntListEntryProto', 3),
    sharded_dim: rep('ShardedDimProto', 4),
  },
};

const SHARDED_DIM_PROTO: IType = {
  fields: { axis: opt('int64', 1), simple_sharding: rep('SimpleShardedDimProto', 2) },
};

const SIMPLE_SHARDED_DIM_PROTO: IType = {
  oneofs: { dim: { oneof: ['dim_value', 'dim_param'] } },
  fields: { dim_value: opt('int64', 1), dim_param: opt('string', 2), num_shards: opt('int64', 3) },
};

const TRAINING_INFO_PROTO: IType = {
  fields: {
    initialization: opt('GraphProto', 1),
    algorithm: opt('GraphProto', 2),
    initialization_binding: rep('StringStringEntryProto', 3),
    update_binding: rep('StringStringEntryProto', 4),
  },
};

const MODEL_PROTO: IType = {
  fields: {
    ir_version: opt('int64', 1),
    producer_name: opt('string', 2),
    producer_version: opt('string', 3),
    domain: opt('string', 4),
    model_version: opt('int64', 5),
    doc_string: opt('string', 6),
    graph: opt('GraphProto', 7),
    opset_import: rep('OperatorSetIdProto', 8),
    metadata_props: rep('StringStringEntryProto', 14),
    training_info: rep('TrainingInfoProto', 20),
    functions: rep('FunctionProto', 25),
    configuration: rep('DeviceConfigurationProto', 26),
  },
};

const DEVICE_CONFIGURATION_PROTO: IType = {
  fields: { name: opt('string', 1), num_devices: opt('int32', 2), device: rep('string', 3) },
};

const STRING_STRING_ENTRY_PROTO: IType = {
  fields: { key: opt('string', 1), value: opt('string', 2) },
};

const TENSOR_ANNOTATION: IType = {
  fields: { tensor_name: opt('string', 1), quant_parameter_tensor_names: rep('StringStringEntryProto', 2) },
};

const GRAPH_PROTO: IType = {
  fields: {
    node: rep('NodeProto', 1),
    name: opt('string', 2),
    initializer: rep('TensorProto', 5),
    doc_string: opt('string', 10),
    input: rep('ValueInfoProto', 11),
    output: rep('ValueInfoProto', 12),
    value_info: rep('ValueInfoProto', 13),
    quantization_annotation: rep('TensorAnnotation', 14),
    sparse_initializer: rep('SparseTensorProto', 15),
    metadata_props: rep('StringStringEntryProto', 16),
  },
  reserved: [[3, 4], [6, 9], 'ir_version', 'producer_version', 'producer_tag', 'domain'],
};

const TENSOR_PROTO: IType = {
  fields: {
    dims: repUnpacked('int64', 1),
    data_type: opt('int32', 2),
    segment: opt('Segment', 3),
    float_data: repPacked('float', 4),
    int32_data: repPacked('int32', 5),
    string_data: rep('bytes', 6),
    int64_data: repPacked('int64', 7),
    name: opt('string', 8),
    raw_data: opt('bytes', 9),
    double_data: repPacked('double', 10),
    uint64_data: repPacked('uint64', 11),
    doc_string: opt('string', 12),
    external_data: rep('StringStringEntryProto', 13),
    data_location: opt('DataLocation', 14),
    metadata_props: rep('StringStringEntryProto', 16),
  },
  nested: {
    DataType: { values: ONNX_DTYPE },
    Segment: { fields: { begin: opt('int64', 1), end: opt('int64', 2) } },
    DataLocation: { values: { DEFAULT: DATA_LOCATION_DEFAULT, EXTERNAL: DATA_LOCATION_EXTERNAL } },
  },
};

const SPARSE_TENSOR_PROTO: IType = {
  fields: { values: opt('TensorProto', 1), indices: opt('TensorProto', 2), dims: repUnpacked('int64', 3) },
};

const TENSOR_SHAPE_PROTO: IType = {
  fields: { dim: rep('Dimension', 1) },
  nested: {
    Dimension: {
      oneofs: { value: { oneof: ['dim_value', 'dim_param'] } },
      fields: { dim_value: opt('int64', 1), dim_param: opt('string', 2), denotation: opt('string', 3) },
    },
  },
};

const TYPE_PROTO: IType = {
  oneofs: {
    value: { oneof: ['tensor_type', 'sequence_type', 'map_type', 'optional_type', 'sparse_tensor_type', 'opaque_type'] },
  },
  fields: {
    tensor_type: opt('Tensor', 1),
    sequence_type: opt('Sequence', 4),
    map_type: opt('Map', 5),
    denotation: opt('string', 6),
    opaque_type: opt('Opaque', 7),
    sparse_tensor_type: opt('SparseTensor', 8),
    optional_type: opt('Optional', 9),
  },
  nested: {
    Tensor: { fields: { elem_type: opt('int32', 1), shape: opt('TensorShapeProto', 2) } },
    Sequence: { fields: { elem_type: opt('TypeProto', 1) } },
    Map: { fields: { key_type: opt('int32', 1), value_type: opt('TypeProto', 2) } },
    Optional: { fields: { elem_type: opt('TypeProto', 1) } },
    SparseTensor: { fields: { elem_type: opt('int32', 1), shape: opt('TensorShapeProto', 2) } },
    Opaque: { fields: { domain: opt('string', 1), name: opt('string', 2) } },
  },
};

const OPERATOR_SET_ID_PROTO: IType = {
  fields: { domain: opt('string', 1), version: opt('int64', 2) },
};

const FUNCTION_PROTO: IType = {
  fields: {
    name: opt('string', 1),
    input: rep('string', 4),
    output: rep('string', 5),
    attribute: rep('string', 6),
    node: rep('NodeProto', 7),
    doc_string: opt('string', 8),
    opset_import: rep('OperatorSetIdProto', 9),
    domain: opt('string', 10),
    attribute_proto: rep('AttributeProto', 11),
    value_info: rep('ValueInfoProto', 12),
    overload: opt('string', 13),
    metadata_props: rep('StringStringEntryProto', 14),
  },
  reserved: [[2, 2], [3, 3], 'since_version', 'status'],
};

/** package onnx, as protobufjs `Root.fromJSON` takes it. */
export const ONNX_SCHEMA: INamespace = {
  nested: {
    onnx: {
      nested: {
        Version: VERSION,
        AttributeProto: ATTRIBUTE_PROTO,
        ValueInfoProto: VALUE_INFO_PROTO,
        NodeProto: NODE_PROTO,
        IntIntListEntryProto: INT_INT_LIST_ENTRY_PROTO,
        NodeDeviceConfigurationProto: NODE_DEVICE_CONFIGURATION_PROTO,
        ShardingSpecProto: SHARDING_SPEC_PROTO,
        ShardedDimProto: SHARDED_DIM_PROTO,
        SimpleShardedDimProto: SIMPLE_SHARDED_DIM_PROTO,
        TrainingInfoProto: TRAINING_INFO_PROTO,
        ModelProto: MODEL_PROTO,
        DeviceConfigurationProto: DEVICE_CONFIGURATION_PROTO,
        StringStringEntryProto: STRING_STRING_ENTRY_PROTO,
        TensorAnnotation: TENSOR_ANNOTATION,
        GraphProto: GRAPH_PROTO,
        TensorProto: TENSOR_PROTO,
        SparseTensorProto: SPARSE_TENSOR_PROTO,
        TensorShapeProto: TENSOR_SHAPE_PROTO,
        TypeProto: TYPE_PROTO,
        OperatorSetIdProto: OPERATOR_SET_ID_PROTO,
        OperatorStatus: { values: { EXPERIMENTAL: 0, STABLE: 1 } },
        FunctionProto: FUNCTION_PROTO,
      },
    },
  },
};
