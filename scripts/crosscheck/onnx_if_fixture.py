"""Writes test/fixtures/calib/if_sign.onnx: y = If(sum(x) > 0, then: Relu(x) * 2, else: Neg(x)),
x float32 [batch, 4], opset 13. Calibration inlines the If only while every batch takes one branch.

Run: /usr/bin/python3 scripts/crosscheck/onnx_if_fixture.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'calib', 'if_sign.onnx')


def main():
    two = numpy_helper.from_array(np.array(2.0, dtype=np.float32), 'two')
    zero = numpy_helper.from_array(np.array(0.0, dtype=np.float32), 'zero')
    then_branch = helper.make_graph(
        [helper.make_node('Relu', ['x'], ['then_relu'], name='then/Relu'),
         helper.make_node('Mul', ['then_relu', 'two'], ['then_out'], name='then/Mul')],
        'then', [], [helper.make_tensor_value_info('then_out', TensorProto.FLOAT, ['batch', 4])])
    else_branch = helper.make_graph(
        [helper.make_node('Neg', ['x'], ['else_out'], name='else/Neg')],
        'else', [], [helper.make_tensor_value_info('else_out', TensorProto.FLOAT, ['batch', 4])])
    graph = helper.make_graph(
        [helper.make_node('ReduceSum', ['x'], ['sum'], name='ReduceSum', keepdims=0),
         helper.make_node('Greater', ['sum', 'zero'], ['positive'], name='Greater'),
         helper.make_node('If', ['positive'], ['y'], name='If', then_branch=then_branch, else_branch=else_branch)],
        'if_sign', [helper.make_tensor_value_info('x', TensorProto.FLOAT, ['batch', 4])],
        [helper.make_tensor_value_info('y', TensorProto.FLOAT, ['batch', 4])], [two, zero])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='quantlens-fixture')
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, OUT)


if __name__ == '__main__':
    main()
