import { UsageError } from '../../core/errors';
import { openModel } from '../../core/formats/registry';
import type { Model, TensorEntry } from '../../core/tensor';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { toJsonValue } from '../../core/jsonValue';
import { alignColumns } from '../../core/report/textTable';

/** Metadata values (model cards, configs) can be long; the table shows their start. */
const MAX_METADATA_TEXT = 120;
const USAGE = 'inspect FILE... [--json]';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'list the tensors of a model (headers only)',
  usage: USAGE,
  async run(argv, io) {
    const { values: flags, positionals } = parseCommandArgs(argv, {});
    if (flags.help) {
      io.stdout.write(`usage: quantlens ${USAGE}\n`);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError('inspect: no file given');
    const model = await openModel(positionals);
    try {
      io.stdout.write(flags.json ? `${JSON.stringify(inspectJson(model))}\n` : inspectText(model));
    } finally {
      await model.close();
    }
    return 0;
  },
};

function totals(model: Model): { params: number; bytes: number } {
  return model.tensors.reduce((t, x) => ({ params: t.params + x.numel, bytes: t.bytes + x.byteLength }), { params: 0, bytes: 0 });
}

/** CLI.md's inspect JSON, plus the totals. */
export function inspectJson(model: Model): unknown {
  const { params, bytes } = totals(model);
  return {
    file: model.file,
    format: model.format,
    metadata: toJsonValue(model.metadata),
    tensors: model.tensors.map((t) => ({
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      numel: t.numel,
      byteLength: t.byteLength,
      source: t.source,
      ...(t.storage ? { storage: toJsonValue(t.storage) } : {}),
    })),
    tensorCount: model.tensors.length,
    params,
    byteLength: bytes,
    sizeOnDisk: model.sizeOnDisk,
  };
}

const count = (n: number) => n.toLocaleString('en-US');

function dtypeText(t: TensorEntry): string {
  return t.storage ? `${t.dtype} (${t.storage.dtype})` : t.dtype;
}

/** A plain table: one tensor a line, columns padded; the source column only when there are several. */
export function inspectText(model: Model): string {
  const multiSource = new Set(model.tensors.map((t) => t.source)).size > 1;
  const head = ['name', 'dtype', 'shape', 'params', 'bytes', ...(multiSource ? ['source'] : [])];
  const rows = model.tensors.map((t) => [
    t.name, dtypeText(t), `[${t.shape.join(', ')}]`, count(t.numel), count(t.byteLength), ...(multiSource ? [t.source] : []),
  ]);
  // Params and bytes right-aligned; alignColumns loops, as Math.max(...rows) overflows the stack past ~125k tensors.
  const table = alignColumns([head, ...rows], ['left', 'left', 'left', 'right', 'right', 'left']);
  const meta = Object.entries(model.metadata).map(([k, v]) => {
    const text = typeof v === 'string' ? v : JSON.stringify(toJsonValue(v));
    return `  ${k}: ${text.length > MAX_METADATA_TEXT ? `${text.slice(0, MAX_METADATA_TEXT)}...` : text}`;
  });
  const { params, bytes } = totals(model);
  return [
    `${model.file} (${model.format})`,
    ...(meta.length > 0 ? ['metadata:', ...meta] : []),
    '',
    ...table,
    '',
    `${count(model.tensors.length)} tensors, ${count(params)} parameters, ${count(bytes)} bytes of tensor data, ${count(model.sizeOnDisk)} bytes on disk`,
    '',
  ].join('\n');
}
