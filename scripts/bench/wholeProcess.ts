/**
 * Whole processes timed from outside, as a user runs them: `quantlens analyze` of a 1 GiB float32
 * tensor against the notebook's torch code on the same file (python started, torch imported, the
 * file loaded, the figures computed). Wall time and peak RSS by GNU time where it is installed.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { npyHeader, weights } from './data';

/** 1 GiB of float32: 16384 x 16384. */
export const BIG_SHAPE = [16384, 16384] as const;
const BIG_NUMEL = BIG_SHAPE[0] * BIG_SHAPE[1];
/** Values generated and written per step (64 MB), so the writer never holds the whole GiB. */
const WRITE_CHUNK = 1 << 24;
const GNU_TIME = '/usr/bin/time';

export interface ProcessRun {
  readonly seconds: number;
  /** NaN without GNU time. */
  readonly maxRssMB: number;
}

/** A .npy of BIG_SHAPE weight-like float32 values (format 1.0, little-endian, C order). */
export async function writeBigNpy(file: string): Promise<number> {
  const header = npyHeader(BIG_SHAPE);
  const handle = await fs.open(file, 'w');
  try {
    await handle.write(header);
    for (let at = 0, seed = 100; at < BIG_NUMEL; at += WRITE_CHUNK, seed++) {
      const x = weights(Math.min(WRITE_CHUNK, BIG_NUMEL - at), seed);
      await handle.write(new Uint8Array(x.buffer));
    }
  } finally {
    await handle.close();
  }
  return BIG_NUMEL;
}

/** Runs `command args` once; wall seconds and peak RSS as GNU time reports them (or wall time from here). */
export function timeProcess(command: string, args: readonly string[]): Promise<ProcessRun> {
  const gnuTime = existsSync(GNU_TIME);
  const [file, argv] = gnuTime ? [GNU_TIME, ['-f', '%e %M', command, ...args]] : [command, [...args]];
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile(file, argv, { maxBuffer: 256 << 20 }, (error, _stdout, stderr) => {
      const wall = (performance.now() - t0) / 1000;
      if (error) {
        reject(new Error(`${path.basename(command)} ${args.join(' ')}: ${stderr || error.message}`));
        return;
      }
      if (!gnuTime) {
        resolve({ seconds: wall, maxRssMB: Number.NaN });
        return;
      }
      const [seconds, rssKB] = stderr.trim().split('\n').pop()!.split(' ').map(Number);
      resolve({ seconds: seconds!, maxRssMB: rssKB! / 1024 });
    });
  });
}

/** Best of `repeats` runs (the machine is shared). */
export async function bestProcess(repeats: number, command: string, args: readonly string[]): Promise<ProcessRun> {
  let best: ProcessRun | null = null;
  for (let r = 0; r < repeats; r++) {
    const run = await timeProcess(command, args);
    if (!best || run.seconds < best.seconds) best = run;
  }
  return best!;
}
