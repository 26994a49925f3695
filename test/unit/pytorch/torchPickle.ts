/**
 * Hand-written torch pickles for tests: protocol-0 text opcodes plus BINPERSID ('Q'),
 * which Python's unpickler accepts mixed. Each helper returns the opcodes that push one value.
 */
export const int = (n: number | bigint) => `I${n}\n`;
export const str = (s: string) => `V${s}\n`;
export const tuple = (...items: string[]) => `(${items.join('')}t`;
export const ints = (xs: readonly number[]) => tuple(...xs.map(int));
export const dict = (entries: ReadonlyArray<readonly [string, string]>) => `(d${entries.map(([k, v]) => `${str(k)}${v}s`).join('')}`;
export const list = (...items: string[]) => `(${items.join('')}l`;
export const global = (module: string, name: string) => `c${module}\n${name}\n`;
export const ordered = (entries: ReadonlyArray<readonly [string, string]>) =>
  `${global('collections', 'OrderedDict')})R${entries.map(([k, v]) => `${str(k)}${v}s`).join('')}`;

export interface StorageRef {
  readonly key: string;
  readonly type?: string;
  readonly numel: number;
}

export const storage = ({ key, type = 'FloatStorage', numel }: StorageRef) =>
  `${tuple(str('storage'), global('torch', type), str(key), str('cpu'), int(numel))}Q`;

/** torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks). */
export const tensor = (ref: StorageRef, offset: number, shape: readonly number[], stride: readonly number[]) =>
  `${global('torch._utils', '_rebuild_tensor_v2')}${tuple(storage(ref), int(offset), ints(shape), ints(stride), 'I00\n', ordered([]))}R`;

/** Row-major strides of a shape. */
export function contiguous(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let step = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    out[k] = step;
    step *= shape[k]!;
  }
  return out;
}

export const pickleBytes = (ops: string) => new Uint8Array(Buffer.from(`${ops}.`, 'latin1'));
