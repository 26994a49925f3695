import { UsageError } from '../../core/errors';
import { openModel } from '../../core/formats/registry';
import type { TensorEntry, Values } from '../../core/tensor';
import { parseCommandArgs } from '../args';
import { closestNames } from '../closestNames';
import type { CliIO, Command } from '../command';
import { jsonText } from '../../core/jsonValue';
import { valuesJson, valuesText } from '../valueText';

/** CLI.md's default count. */
const DEFAULT_LIMIT = 16;
/** Elements decoded per read: bounded memory whatever `--limit 0` asks of a huge tensor. */
const CHUNK_ELEMENTS = 1 << 20;
/** Values per line of the text output. */
const TEXT_VALUES_PER_LINE = 8;

const USAGE = 'values FILE... --tensor NAME [--limit N] [--json]';

export const valuesCommand: Command = {
  name: 'values',
  summary: 'print the first N decoded values of one tensor',
  usage: USAGE,
  async run(argv, io) {
    const { values: flags, positionals } = parseCommandArgs(argv, { tensor: { type: 'string' }, limit: { type: 'string' } });
    if (flags.help) {
      io.stdout.write(`usage: quantlens ${USAGE}\n`);
      return 0;
    }
    if (positionals.length === 0) throw new UsageError('values: no file given');
    if (flags.tensor === undefined) throw new UsageError('values: --tensor NAME is required');
    const limit = parseLimit(flags.limit);
    const model = await openModel(positionals);
    try {
      const tensor = model.tensors.find((t) => t.name === flags.tensor);
      if (!tensor) {
        const near = closestNames(flags.tensor, model.tensors.map((t) => t.name));
        throw new UsageError(`${model.file}: no tensor '${flags.tensor}'${near.length > 0 ? `; closest: ${near.join(', ')}` : ' (the model has no tensors)'}`);
      }
      const count = limit === 0 ? tensor.numel : Math.min(limit, tensor.numel);
      await (flags.json ? writeJson : writeText)(tensor, count, io);
    } finally {
      await model.close();
    }
    return 0;
  },
};

function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new UsageError(`values: --limit must be a non-negative integer, got '${text}'`);
  return n;
}

/** Decodes elements [0, count) chunk by chunk; chunks start on block boundaries. */
async function forEachChunk(tensor: TensorEntry, count: number, body: (values: Values, first: boolean) => void): Promise<void> {
  const step = Math.max(1, Math.floor(CHUNK_ELEMENTS / tensor.data.blockSize)) * tensor.data.blockSize;
  for (let start = 0; start < count; start += step) {
    body(await tensor.data.read(start, Math.min(step, count - start)), start === 0);
  }
}

async function writeJson(tensor: TensorEntry, count: number, io: CliIO): Promise<void> {
  const head = JSON.stringify({ name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, numel: tensor.numel, ...(tensor.storage ? { storage: tensor.storage } : {}) });
  io.stdout.write(`${head.slice(0, -1)},"values":[`);
  await forEachChunk(tensor, count, (values, first) => {
    io.stdout.write(`${first ? '' : ','}${valuesJson(values, tensor.dtype).map(jsonText).join(',')}`);
  });
  io.stdout.write(']}\n');
}

async function writeText(tensor: TensorEntry, count: number, io: CliIO): Promise<void> {
  const storage = tensor.storage ? ` stored as ${tensor.storage.dtype}` : '';
  io.stdout.write(`${tensor.name}  ${tensor.dtype}${storage}  [${tensor.shape.join(', ')}]  first ${count} of ${tensor.numel} values\n`);
  let line: string[] = [];
  await forEachChunk(tensor, count, (values) => {
    for (const v of valuesText(values, tensor.dtype)) {
      line.push(v);
      if (line.length === TEXT_VALUES_PER_LINE) {
        io.stdout.write(`${line.join('  ')}\n`);
        line = [];
      }
    }
  });
  if (line.length > 0) io.stdout.write(`${line.join('  ')}\n`);
}
