/**
 * Activation calibration: run the model over the calibration batches with every float activation
 * tapped, observe each one (min/max and streaming histograms), then let every range method pick a
 * range and turn it into qparams. Cancel with `signal`; progress per batch.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { MethodQParams, CalibDataSpec, CalibrationHooks, CalibrationOptions, CalibrationReport, ActivationReport } from '../../shared/calibTypes';
import { CancelledError } from '../errors';
import { openCalibData, type CalibData } from './data/calibData';
import { checkMethods, methodQParams } from './methods';
import { ActivationObserver } from './observe/activationObserver';
import type { Feeds, ModelSession } from './session';
import { decodeRunnableModel, openTappedModel } from './tappedModel';
import type { NodeOutput } from './taps';
import type { FeedValue } from './data/calibData';

export async function runCalibration(
  modelPath: string, data: CalibDataSpec, options: CalibrationOptions, hooks: CalibrationHooks = {}, signal?: AbortSignal,
): Promise<CalibrationReport> {
  const started = Date.now();
  checkMethods(options.methods);
  const model = decodeRunnableModel(await fs.readFile(modelPath));
  throwIfAborted(signal);
  const tapped = await openTappedModel(model, { threads: options.threads ?? undefined });
  try {
    const calib = await openCalibData(data, tapped.session.inputs);
    try {
      const observers = await observeActivations(tapped.session, tapped.activations, calib, options.batch, hooks, signal);
      const activations = tapped.activations.flatMap((a): ActivationReport[] => {
        const obs = observers.observers.get(a.name)!;
        const input = obs.rangeInput();
        if (!input) return [];
        const methods: Record<string, MethodQParams> = {};
        for (const m of options.methods) methods[m] = methodQParams(m, input, options.bits, options.mode, options.convention);
        return [{ name: a.name, node: a.node, op: a.op, shape: obs.shape, count: obs.count, nonFinite: obs.nonFinite, min: obs.min, max: obs.max, methods, histogram: obs.displayHistogram() }];
      });
      const empty = tapped.activations.length - activations.length;
      const notes = [...tapped.notes, ...(empty > 0 ? [`${empty} activations held no finite value and are left out`] : [])];
      return {
        model: path.basename(modelPath), samples: calib.samples, batches: observers.batches, inputs: calib.inputs,
        bits: options.bits, mode: options.mode, convention: options.convention, methods: options.methods,
        activations, notes, elapsedMs: Date.now() - started,
      };
    } finally {
      await calib.close();
    }
  } finally {
    await tapped.session.release();
  }
}

export interface Observed {
  readonly observers: ReadonlyMap<string, ActivationObserver>;
  readonly batches: number;
}

/** Runs every batch and feeds each tapped activation to its observer. */
export async function observeActivations(
  session: ModelSession, activations: readonly NodeOutput[], calib: CalibData, batch: number, hooks: CalibrationHooks, signal?: AbortSignal,
): Promise<Observed> {
  const observers = new Map(activations.map((a) => [a.name, new ActivationObserver()]));
  const names = activations.map((a) => a.name);
  let done = 0;
  let batches = 0;
  for await (const b of calib.batches(batch)) {
    throwIfAborted(signal);
    const out = await session.run(toFeeds(session, b.feeds), names);
    for (const [name, obs] of observers) {
      const t = out[name];
      if (t) obs.add(t.data as Float32Array, t.dims);
    }
    done += b.rows;
    batches++;
    hooks.onProgress?.({ samplesDone: done, samplesTotal: calib.samples });
  }
  return { observers, batches };
}

export function toFeeds(session: ModelSession, feeds: Readonly<Record<string, FeedValue>>): Feeds {
  const out: Feeds = {};
  for (const [name, f] of Object.entries(feeds)) out[name] = session.tensor(f.type, f.data, f.dims);
  return out;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
