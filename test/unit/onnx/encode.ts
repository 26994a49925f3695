/** A tiny protobuf encoder for tests: builds ONNX bytes field by field, malformed ones included. */

export type Bytes = Uint8Array | readonly number[];

export function concat(...parts: Bytes[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Base-128 varint of a non-negative value, or a negative int64 as its 10-byte two's complement. */
export function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return out;
}

export function tag(field: number, wire: number): number[] {
  return varint(field * 8 + wire);
}

/** A varint field (wire type 0). */
export function vfield(field: number, value: number | bigint): number[] {
  return [...tag(field, 0), ...varint(value)];
}

/** A length-delimited field (wire type 2). */
export function lfield(field: number, ...payload: Bytes[]): Uint8Array {
  const body = concat(...payload);
  return concat(tag(field, 2), varint(body.length), body);
}

export function sfield(field: number, text: string): Uint8Array {
  return lfield(field, new TextEncoder().encode(text));
}

export function f32field(field: number, value: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, value, true);
  return concat(tag(field, 5), b);
}

export function f32bytes(values: readonly number[]): Uint8Array {
  const b = new Uint8Array(values.length * 4);
  values.forEach((v, i) => new DataView(b.buffer).setFloat32(i * 4, v, true));
  return b;
}

// onnx.proto field numbers, written out again so the tests do not trust the reader's table.
export const T = { DIMS: 1, DATA_TYPE: 2, FLOAT_DATA: 4, INT32_DATA: 5, INT64_DATA: 7, NAME: 8, RAW_DATA: 9, EXTERNAL_DATA: 13, DATA_LOCATION: 14 };
export const FLOAT = 1;
export const INT64 = 7;

export interface TensorSpec {
  name: string;
  dims: readonly number[];
  dataType?: number;
  raw?: Bytes;
  extra?: Bytes[];
}

export function tensor(spec: TensorSpec): Uint8Array {
  return concat(
    ...spec.dims.map((d) => vfield(T.DIMS, d)),
    vfield(T.DATA_TYPE, spec.dataType ?? FLOAT),
    sfield(T.NAME, spec.name),
    ...(spec.raw ? [lfield(T.RAW_DATA, spec.raw)] : []),
    ...(spec.extra ?? []),
  );
}

export function externalTensor(name: string, dims: readonly number[], entries: Record<string, string>): Uint8Array {
  return tensor({
    name,
    dims,
    extra: [
      ...Object.entries(entries).map(([k, v]) => lfield(T.EXTERNAL_DATA, sfield(1, k), sfield(2, v))),
      vfield(T.DATA_LOCATION, 1),
    ],
  });
}

/** GraphProto with initializers (field 5) and nodes (field 1). */
export function graph(parts: { initializers?: Bytes[]; nodes?: Bytes[]; name?: string }): Uint8Array {
  return concat(
    ...(parts.nodes ?? []).map((n) => lfield(1, n)),
    sfield(2, parts.name ?? 'g'),
    ...(parts.initializers ?? []).map((t) => lfield(5, t)),
  );
}

/** NodeProto: outputs (2), name (3), op_type (4), attributes (5). */
export function node(opType: string, outputs: readonly string[], attributes: Bytes[] = [], name = ''): Uint8Array {
  return concat(
    ...outputs.map((o) => sfield(2, o)),
    ...(name ? [sfield(3, name)] : []),
    sfield(4, opType),
    ...attributes.map((a) => lfield(5, a)),
  );
}

/** AttributeProto holding a graph (g = 6). */
export function graphAttribute(name: string, g: Bytes): Uint8Array {
  return concat(sfield(1, name), lfield(6, g), vfield(20, 5));
}

/** ModelProto: ir_version 8, opset 13, the graph. */
export function model(g: Bytes): Uint8Array {
  return concat(vfield(1, 8), lfield(8, sfield(1, ''), vfield(2, 13)), lfield(7, g));
}
