import { RepeatedScalar } from '../../protobuf/repeatedScalar';
import type { ProtoWalker, Span } from '../../protobuf/walker';
import { MAX_NAME_BYTES } from './limits';
import { ATTRIBUTE } from './schema';

/** The fields of one AttributeProto this reader uses, located but not read. */
export interface AttributeFields {
  name: string;
  /** Subgraphs (If branches, Loop/Scan bodies): tensors inside them are listed too. */
  g: Span | undefined;
  readonly graphs: Span[];
  t: Span | undefined;
  /** f, i, floats, ints as runs of their encoded values (f and i: one value, last wins). */
  f: RepeatedScalar | undefined;
  i: RepeatedScalar | undefined;
  floats: RepeatedScalar | undefined;
  ints: RepeatedScalar | undefined;
  hasStrings: boolean;
  hasSparse: boolean;
}

const ATTRIBUTE_LOADED = new Set<number>([ATTRIBUTE.NAME]);

/**
 * Reads an AttributeProto. Value fields are recorded only when `withValues` (Constant nodes):
 * other nodes' attribute lists are skipped unread, only their subgraphs matter.
 */
export async function readAttribute(walker: ProtoWalker, span: Span, withValues: boolean): Promise<AttributeFields> {
  const a: AttributeFields = {
    name: '',
    g: undefined,
    graphs: [],
    t: undefined,
    f: undefined,
    i: undefined,
    floats: undefined,
    ints: undefined,
    hasStrings: false,
    hasSparse: false,
  };
  await walker.walk(span, (field) => {
    switch (field.number) {
      case ATTRIBUTE.NAME: a.name = walker.text(field, 'AttributeProto.name', MAX_NAME_BYTES); return;
      case ATTRIBUTE.G: a.g = walker.span(field, 'AttributeProto.g'); return;
      case ATTRIBUTE.GRAPHS: a.graphs.push(walker.span(field, 'AttributeProto.graphs')); return;
    }
    if (!withValues) return;
    switch (field.number) {
      case ATTRIBUTE.F: a.f = new RepeatedScalar('fixed32', 'AttributeProto.f'); a.f.add(field, walker); break;
      case ATTRIBUTE.I: a.i = new RepeatedScalar('varint', 'AttributeProto.i'); a.i.add(field, walker); break;
      case ATTRIBUTE.S: case ATTRIBUTE.STRINGS: a.hasStrings = true; break;
      case ATTRIBUTE.T: a.t = walker.span(field, 'AttributeProto.t'); break;
      case ATTRIBUTE.FLOATS: (a.floats ??= new RepeatedScalar('fixed32', 'AttributeProto.floats')).add(field, walker); break;
      case ATTRIBUTE.INTS: (a.ints ??= new RepeatedScalar('varint', 'AttributeProto.ints')).add(field, walker); break;
      case ATTRIBUTE.SPARSE_TENSOR: a.hasSparse = true; break;
    }
  }, ATTRIBUTE_LOADED);
  return a;
}
