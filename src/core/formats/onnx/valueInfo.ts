import { varintToSafeNumber } from '../../protobuf/varint';
import { WIRE_VARINT, type ProtoWalker, type Span } from '../../protobuf/walker';
import { dataTypeName } from './dataTypes';
import { MAX_DIMS, MAX_NAME_BYTES } from './limits';
import { DIMENSION, SHAPE, TENSOR_TYPE, TYPE_PROTO, VALUE_INFO } from './schema';

/** A graph input or output as the metadata shows it, Netron style. */
export interface GraphValue {
  readonly name: string;
  /** ONNX element type name (`FLOAT`), or `non-tensor` for sequences, maps, optionals. */
  readonly type: string;
  /** Dimensions: sizes, symbolic names, `?` when unknown; null when the rank is unknown. */
  readonly shape: (number | string)[] | null;
}

const NAME_LOADED = new Set<number>([VALUE_INFO.NAME]);
const DIM_LOADED = new Set<number>([DIMENSION.DIM_PARAM]);

/** Reads a ValueInfoProto: name and tensor type only. */
export async function readValueInfo(walker: ProtoWalker, span: Span): Promise<GraphValue> {
  let name = '';
  let type = 'non-tensor';
  let shape: (number | string)[] | null = null;
  await walker.walk(span, async (f) => {
    if (f.number === VALUE_INFO.NAME) name = walker.text(f, 'ValueInfoProto.name', MAX_NAME_BYTES);
    if (f.number !== VALUE_INFO.TYPE) return;
    await walker.walk(walker.span(f, 'ValueInfoProto.type'), async (t) => {
      if (t.number !== TYPE_PROTO.TENSOR_TYPE) return;
      await walker.walk(walker.span(t, 'TypeProto.tensor_type'), async (tt) => {
        if (tt.number === TENSOR_TYPE.ELEM_TYPE) type = dataTypeName(walker.int32(tt, 'TypeProto.Tensor.elem_type'));
        if (tt.number === TENSOR_TYPE.SHAPE) shape = await readShape(walker, walker.span(tt, 'TypeProto.Tensor.shape'));
      });
    });
  }, NAME_LOADED);
  return { name, type, shape };
}

async function readShape(walker: ProtoWalker, span: Span): Promise<(number | string)[]> {
  const dims: (number | string)[] = [];
  await walker.walk(span, async (f) => {
    if (f.number !== SHAPE.DIM) return;
    if (dims.length === MAX_DIMS) walker.fail(`shape has more than ${MAX_DIMS} dims`, f.tagOffset);
    let dim: number | string = '?';
    await walker.walk(walker.span(f, 'TensorShapeProto.dim'), (d) => {
      if (d.number === DIMENSION.DIM_VALUE) {
        walker.expectWire(d, WIRE_VARINT, 'TensorShapeProto.Dimension.dim_value');
        dim = varintToSafeNumber(d.lo, d.hi) ?? '?';
      }
      if (d.number === DIMENSION.DIM_PARAM) dim = walker.text(d, 'dim_param', MAX_NAME_BYTES);
    }, DIM_LOADED);
    dims.push(dim);
  });
  return dims;
}
