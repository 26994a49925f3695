/** Flag parsing shared by `calibrate` and `ptq`: data sources, numbers, enumerations. */
import type { CalibDataSpec, SyntheticKind } from '../../shared/calibTypes';
import { UsageError } from '../../core/errors';
import { INT_BITS } from '../../shared/vocab/intSchemes';

const SYNTHETIC: readonly SyntheticKind[] = ['normal', 'uniform'];
/** CLI.md: `--batch` default. */
export const DEFAULT_BATCH = 32;
/** Fixed so synthetic runs repeat exactly unless --seed says otherwise. */
export const DEFAULT_SEED = 0;

/** Flags that say where data comes from. */
export const DATA_FLAGS = {
  data: { type: 'string' },
  'input-key': { type: 'string' },
  synthetic: { type: 'string' },
  samples: { type: 'string' },
  shape: { type: 'string', multiple: true },
  seed: { type: 'string' },
  batch: { type: 'string' },
  threads: { type: 'string' },
} as const;

export function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} ${value}: expected one of ${allowed.join(', ')}`);
  return value as T;
}

export function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} ${value}: expected a positive integer`);
  return n;
}

export function optionalPositiveInt(value: string | undefined, flag: string): number | null {
  return value === undefined ? null : positiveInt(value, flag, 0);
}

/** `--shape input:1x512` (repeatable, or comma-separated). */
export function parseShapes(values: readonly string[] | undefined): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const item of (values ?? []).flatMap((v) => v.split(','))) {
    const m = /^(.+):(\d+(?:x\d+)*)$/.exec(item.trim());
    if (!m) throw new UsageError(`--shape ${item}: expected NAME:D0xD1x... (e.g. input:1x512)`);
    out[m[1]!] = m[2]!.split('x').map(Number);
  }
  return out;
}

export interface DataFlagValues {
  readonly data?: string;
  readonly 'input-key'?: string;
  readonly synthetic?: string;
  readonly samples?: string;
  readonly shape?: string[];
  readonly seed?: string;
}

export function parseDataSpec(flags: DataFlagValues, dataPath: string | undefined = flags.data): CalibDataSpec {
  const synthetic = flags.synthetic === undefined ? null : oneOf(flags.synthetic, SYNTHETIC, '--synthetic');
  if (dataPath === undefined && synthetic === null) throw new UsageError('no calibration data: give --data FILE (.npy, .npz or a folder of .npy) or --synthetic normal|uniform');
  const seed = flags.seed === undefined ? DEFAULT_SEED : Number(flags.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed ${flags.seed}: expected a non-negative integer`);
  return {
    path: dataPath ?? null,
    inputKey: flags['input-key'] ?? null,
    synthetic,
    samples: optionalPositiveInt(flags.samples, '--samples'),
    shapes: parseShapes(flags.shape),
    seed,
  };
}

/** Bits of an integer grid (CLI.md: 2..8, vocab/intSchemes.ts). */
export function parseBits(value: string | undefined, fallback: number): number {
  const bits = positiveInt(value, '--bits', fallback);
  if (bits < INT_BITS.min || bits > INT_BITS.max) throw new UsageError(`--bits ${bits}: expected ${INT_BITS.min}..${INT_BITS.max}`);
  return bits;
}
