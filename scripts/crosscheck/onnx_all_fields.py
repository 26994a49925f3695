"""Writes test/fixtures/calib/all_fields.onnx: a small ONNX model that sets every field of
onnx.proto (IR version 13), so the protobufjs schema in src/core/onnxproto can be checked to
round-trip it byte for byte.

Debian's onnx 1.12 knows the fields up to IR version 8; the newer ones (NodeProto.overload,
metadata_props, device_configurations, ModelProto.configuration, ...) are appended as raw
protobuf fields, which python-protobuf keeps as unknown fields and writes back after the
known ones, i.e. in field-number order, as a current onnx would.

Run: /usr/bin/python3 scripts/crosscheck/onnx_all_fields.py
"""
import os
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'calib', 'all_fields.onnx')


def varint(v):
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(num, v):
    return varint(num << 3) + varint(v)


def field_bytes(num, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def entry(key, value):
    return field_bytes(1, key) + field_bytes(2, value)


def with_unknown(message, raw):
    message.MergeFromString(raw)
    return message


def map_type(key_type, value_type):
    tp = onnx.TypeProto()
    tp.map_type.key_type = key_type
    tp.map_type.value_type.CopyFrom(value_type)
    return tp


def main():
    x = helper.make_tensor_value_info('x', TensorProto.FLOAT, [None, 4])
    x.type.tensor_type.shape.dim[0].dim_param = 'batch'
    x.type.tensor_type.shape.dim[0].denotation = 'DATA_BATCH'
    x.doc_string = 'input'
    x.type.denotation = 'TENSOR'
    y = helper.make_tensor_value_info('y', TensorProto.FLOAT, ['batch', 4])
    with_unknown(y, field_bytes(4, entry('vi', 'meta')))

    w = numpy_helper.from_array(np.arange(16, dtype=np.float32).reshape(4, 4), 'w')
    w.doc_string = 'weight'
    with_unknown(w, field_bytes(16, entry('tensor', 'meta')))
    big = helper.make_tensor('ends', TensorProto.INT64, [2], [9223372036854775807, -9223372036854775808])
    seg = helper.make_tensor('seg', TensorProto.DOUBLE, [2], [1.5, -2.5])
    seg.segment.begin = 0
    seg.segment.end = 2
    u64 = helper.make_tensor('u64', TensorProto.UINT64, [2], [1, 18446744073709551615])
    strs = helper.make_tensor('strs', TensorProto.STRING, [2], [b'a', b'bc'])
    ext = TensorProto(name='ext', data_type=TensorProto.FLOAT, dims=[1], data_location=TensorProto.EXTERNAL)
    ext.external_data.add(key='location', value='nowhere.bin')
    i32 = helper.make_tensor('i32', TensorProto.INT32, [3], [-1, 0, 7])
    sparse = helper.make_sparse_tensor(
        helper.make_tensor('sv', TensorProto.FLOAT, [2], [1.0, 2.0]),
        helper.make_tensor('si', TensorProto.INT64, [2], [0, 3]), [4])

    then_g = helper.make_graph([helper.make_node('Identity', ['w'], ['t_out'])], 'then', [],
                               [helper.make_tensor_value_info('t_out', TensorProto.FLOAT, [4, 4])])
    node = helper.make_node('MatMul', ['x', 'w'], ['y'], name='mm', domain='', doc_string='matmul')
    with_unknown(node, field_bytes(8, 'ov') + field_bytes(9, entry('node', 'meta'))
                 + field_bytes(10, field_bytes(1, 'cfg') + field_bytes(2, field_bytes(1, 'y') + field_varint(2, 0)
                                                                       + field_bytes(3, field_varint(1, 0) + field_varint(2, 1))
                                                                       + field_bytes(4, field_varint(1, 0) + field_bytes(2, field_varint(1, 4) + field_varint(3, 2))))
                                + field_varint(3, 1)))
    attrs = helper.make_node(
        'Custom', [], ['c'], domain='test.domain', name='attrs',
        f=0.0, i=-3, s='text', t=w, g=then_g, floats=[1.0, 2.5], ints=[-1, 2**40], strings=['p', 'q'],
        tensors=[w], graphs=[then_g], sparse_tensor=sparse, sparse_tensors=[sparse])
    tp_attr = helper.make_attribute('tp', helper.make_tensor_type_proto(TensorProto.FLOAT, [2]))
    tps_attr = onnx.AttributeProto(name='tps', type=onnx.AttributeProto.TYPE_PROTOS)
    tps_attr.type_protos.extend([helper.make_sequence_type_proto(helper.make_tensor_type_proto(TensorProto.INT8, None)),
                                 helper.make_optional_type_proto(helper.make_tensor_type_proto(TensorProto.BOOL, [1])),
                                 map_type(TensorProto.INT64, helper.make_tensor_type_proto(TensorProto.FLOAT, [])),
                                 helper.make_sparse_tensor_type_proto(TensorProto.FLOAT, [3])])
    ref_attr = onnx.AttributeProto(name='ref', ref_attr_name='outer', type=onnx.AttributeProto.INT, doc_string='ref')
    attrs.attribute.extend([tp_attr, tps_attr, ref_attr])

    graph = helper.make_graph([node, attrs], 'all_fields', [x], [y], [w, big, seg, u64, strs, ext, i32],
                              doc_string='graph', value_info=[helper.make_tensor_value_info('c', TensorProto.FLOAT, None)],
                              sparse_initializer=[sparse])
    ann = graph.quantization_annotation.add(tensor_name='y')
    ann.quant_parameter_tensor_names.add(key='SCALE_TENSOR', value='y_scale')
    with_unknown(graph, field_bytes(16, entry('graph', 'meta')))

    fn = helper.make_function('test.domain', 'Fn', ['a'], ['b'], [helper.make_node('Relu', ['a'], ['b'])],
                              [helper.make_opsetid('', 13)], ['alpha'])
    fn.doc_string = 'function'
    with_unknown(fn, field_bytes(11, helper.make_attribute('beta', 1.0).SerializeToString()) + field_bytes(12, field_bytes(1, 'b')) + field_bytes(13, 'fo') + field_bytes(14, entry('fn', 'meta')))

    model = helper.make_model(graph, producer_name='quantlens-fixture', producer_version='1',
                              opset_imports=[helper.make_opsetid('', 13), helper.make_opsetid('test.domain', 1)],
                              functions=[fn])
    model.domain = 'ai.quantlens'
    model.model_version = 3
    model.doc_string = 'every onnx.proto field'
    model.metadata_props.add(key='k', value='v')
    ti = model.training_info.add()
    ti.initialization.name = 'init'
    ti.algorithm.name = 'algo'
    ti.initialization_binding.add(key='w', value='w0')
    ti.update_binding.add(key='w', value='w1')
    with_unknown(model, field_bytes(26, field_bytes(1, 'cfg') + field_varint(2, 2) + field_bytes(3, 'cpu:0') + field_bytes(3, 'cpu:1')))

    data = model.SerializeToString()
    with open(OUT, 'wb') as f:
        f.write(data)
    print(OUT, len(data), 'bytes')


if __name__ == '__main__':
    main()
