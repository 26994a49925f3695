import { UsageError } from '../../core/errors';
import { DEFAULT_WEIGHT_CONFIGS } from '../../core/calib/ptq/configs';
import { runPtq } from '../../core/calib/ptq/runPtq';
import { parseCommandArgs } from '../args';
import type { Command } from '../command';
import { toJsonValue } from '../../core/jsonValue';
import { DATA_FLAGS, DEFAULT_BATCH, oneOf, optionalPositiveInt, parseDataSpec, positiveInt, type DataFlagValues } from './calibOptions';
import { ptqText } from './ptqText';
import { CONVENTIONS } from '../../shared/vocab/intSchemes';

/** CLI.md: `--input-key x --labels-key y` defaults. */
const DEFAULT_INPUT_KEY = 'x';
const DEFAULT_LABELS_KEY = 'y';

const USAGE = 'ptq MODEL.onnx --data FILE.npz [options] [--json]';
const HELP = `usage: quantlens ${USAGE}

Evaluates the float model and fake-quantized variants on labelled data: accuracy, top-1
agreement with the float model, output SQNR; per-activation SQNR for activation runs.

  --data FILE.npz        inputs and integer labels
  --input-key KEY        the array of inputs (default ${DEFAULT_INPUT_KEY})
  --labels-key KEY       the array of labels (default ${DEFAULT_LABELS_KEY}; without it: agreement only)
  --weights LIST         int<b>[:symmetric|asymmetric][:tensor|channel|group[:N]]
                         (default ${DEFAULT_WEIGHT_CONFIGS.join(',')})
  --all-weights          quantize every float initializer, not only MatMul/Gemm/Conv weights
  --activations LIST     uint8|int8[:range method]: Q/DQ on activations with calibrated ranges,
                         alone and with each weight config (e.g. uint8,int8:percentile:99.99)
  --calib-data FILE      data for activation ranges (default: --data)
  --convention NAME      lecture, torch, onnxruntime (default lecture)
  --samples N, --batch N, --threads N
`;

/** The calibration data shares the data flags, but all of it is used. */
function calibFlags<F extends DataFlagValues>(flags: F): F {
  return { ...flags, samples: undefined };
}

export const ptqCommand: Command = {
  name: 'ptq',
  summary: 'accuracy of weight-only and weight+activation fake quantization',
  usage: USAGE,
  async run(argv, io) {
    const { values: flags, positionals } = parseCommandArgs(argv, {
      ...DATA_FLAGS, 'labels-key': { type: 'string' }, weights: { type: 'string' }, activations: { type: 'string' },
      'calib-data': { type: 'string' }, 'all-weights': { type: 'boolean' }, convention: { type: 'string' },
    });
    if (flags.help) {
      io.stdout.write(HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(`ptq: give one MODEL.onnx (usage: quantlens ${USAGE})`);
    if (flags.data === undefined) throw new UsageError('ptq: --data FILE.npz is required');
    const list = (v: string | undefined, fallback: readonly string[]) => (v === undefined ? [...fallback] : v.split(',').map((s) => s.trim()).filter((s) => s !== ''));
    const dataFlags = { ...flags, 'input-key': flags['input-key'] ?? DEFAULT_INPUT_KEY };
    const report = await runPtq(
      positionals[0]!,
      parseDataSpec(dataFlags),
      flags['calib-data'] === undefined ? null : parseDataSpec(calibFlags(dataFlags), flags['calib-data']),
      {
        weights: list(flags.weights, DEFAULT_WEIGHT_CONFIGS),
        activations: list(flags.activations, []),
        allWeights: flags['all-weights'] === true,
        labelsKey: flags['labels-key'] ?? DEFAULT_LABELS_KEY,
        convention: oneOf(flags.convention ?? 'lecture', CONVENTIONS, '--convention'),
        batch: positiveInt(flags.batch, '--batch', DEFAULT_BATCH),
        threads: optionalPositiveInt(flags.threads, '--threads'),
      },
    );
    io.stdout.write(flags.json ? `${JSON.stringify(toJsonValue(report))}\n` : ptqText(report));
    return 0;
  },
};
