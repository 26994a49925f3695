import { promises as fs } from 'node:fs';
import { UsageError } from '../../core/errors';
import { defaultMethods } from '../../core/calib/methods';
import { runCalibration } from '../../core/calib/runCalibration';
import { CALIB_TABLES, calibrationTable } from '../../core/calib/tables/calibrationTables';
import { CALIB_TABLE_FORMATS } from '../../shared/calibPanelProtocol';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { toJsonValue } from '../../core/jsonValue';
import { calibrationText } from './calibrateText';
import { DATA_FLAGS, DEFAULT_BATCH, oneOf, optionalPositiveInt, parseBits, parseDataSpec, positiveInt } from './calibOptions';
import { CONVENTIONS, INT_MODES } from '../../shared/vocab/intSchemes';

const USAGE = 'calibrate MODEL.onnx --data FILE [options] [--json]';
/** Width of the format names in --help's list (the longest, ort-json, and a space). */
const FORMAT_COLUMN = 10;
const HELP = `usage: quantlens ${USAGE}

Runs the model on calibration data and reports, for every float activation of the main graph,
its observed range and the qparams each range method picks.

  --data FILE            .npy, .npz (arrays named after the inputs, or --input-key), or a folder of .npy
  --input-key KEY        the .npz array that feeds a one-input model (default: the only array, or x)
  --synthetic KIND       normal or uniform seeded values for float inputs the data does not give
  --samples N            at most N samples (synthetic: exactly N, default 128)
  --shape NAME:D0xD1     shape of a synthetic input with symbolic dims (repeatable)
  --seed N               synthetic seed (default 0)
  --batch N              batch size (default ${DEFAULT_BATCH})
  --methods LIST         range methods (default: ${defaultMethods().join(',')})
  --bits N               2..8 (default 8)
  --mode MODE            symmetric or asymmetric (default asymmetric)
  --convention NAME      lecture, torch, onnxruntime (default lecture)
  --threads N            onnxruntime threads (default min(2, cores))
  --format F             with --out, one of (a one-method table uses the first of --methods):
${CALIB_TABLE_FORMATS.map((f) => `                           ${f.padEnd(FORMAT_COLUMN)}${CALIB_TABLES[f].description}`).join('\n')}
  --out FILE             write the table to FILE instead of stdout
  --json                 the report as JSON
`;

export const calibrateCommand: Command = {
  name: 'calibrate',
  summary: 'observe activations on calibration data; scale and zero point per range method',
  usage: USAGE,
  async run(argv, io) {
    const { values: flags, positionals } = parseCommandArgs(argv, {
      ...DATA_FLAGS, methods: { type: 'string' }, bits: { type: 'string' }, mode: { type: 'string' },
      convention: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' },
    });
    if (flags.help) {
      io.stdout.write(HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`calibrate: give one MODEL.onnx (usage: quantlens ${USAGE})`);
    const format = flags.format === undefined ? null : oneOf(flags.format, CALIB_TABLE_FORMATS, '--format');
    const report = await runCalibration(positionals[0]!, parseDataSpec(flags), {
      batch: positiveInt(flags.batch, '--batch', DEFAULT_BATCH),
      methods: flags.methods === undefined ? defaultMethods() : flags.methods.split(',').map((m) => m.trim()).filter((m) => m !== ''),
      bits: parseBits(flags.bits, 8),
      mode: oneOf(flags.mode ?? 'asymmetric', INT_MODES, '--mode'),
      convention: oneOf(flags.convention ?? 'lecture', CONVENTIONS, '--convention'),
      threads: optionalPositiveInt(flags.threads, '--threads'),
    });
    const text = format !== null ? calibrationTable(report, format, report.methods[0]!) : flags.json ? `${JSON.stringify(toJsonValue(report))}\n` : calibrationText(report);
    if (flags.out === undefined) {
      io.stdout.write(text);
      return 0;
    }
    try {
      await fs.writeFile(flags.out, text);
    } catch (e) {
      throw new UsageError(`--out ${flags.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (flags.json && format !== null) io.stdout.write(`${JSON.stringify(toJsonValue(report))}\n`);
    return 0;
  },
};
