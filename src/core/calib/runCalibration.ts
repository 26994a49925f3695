/**
 * Activation calibration: run the model over the calibration batches with every float activation
 * tapped, observe each one (min/max and streaming histograms), then let every range method pick a
 * range and turn it into qparams. Cancel with `signal`; progress per batch.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { MethodQParams, CalibDataSpec, CalibrationHooks, CalibrationOptions, CalibrationReport, ActivationReport } from '../../shared/calibTypes';
import { FormatError } from '../errors';
import { throwIfAborted } from './abort';
import { toFeeds } from './feeds';
import { DATA_FORMAT } from './data/dataArrays';
import { graphInputs } from './graphInputs';
import { inlineFixedIfs, type IfGuard } from './ifInline';
import { openCalibData, type CalibData } from './data/calibData';
import { checkMethods, methodQParams } from './methods';
import { ActivationObserver } from './observe/activationObserver';
import type { ModelSession } from './session';
import { decodeRunnableModel, openTappedModel } from './tappedModel';
import type { NodeOutput } from './taps';

export async function runCalibration(
  modelPath: string, data: CalibDataSpec, options: CalibrationOptions, hooks: CalibrationHooks = {}, signal?: AbortSignal,
): Promise<CalibrationReport> {
  const started = Date.now();
  checkMethods(options.methods);
  const original = decodeRunnableModel(await fs.readFile(modelPath));
  throwIfAborted(signal);
  const sessionOptions = { threads: options.threads ?? undefined };
  const calib = await openCalibData(data, graphInputs(original));
  try {
    const first = await calib.batches(options.batch).next();
    const { model, guards } = first.done ? { model: original, guards: [] } : await inlineFixedIfs(original, first.value.feeds, sessionOptions);
    throwIfAborted(signal);
    const tapped = await openTappedModel(model, sessionOptions);
    try {
      const observed = await observeActivations(tapped.session, tapped.activations, calib, options.batch, hooks, signal, guards);
      const activations = tapped.activations.flatMap((a): ActivationReport[] => {
        const obs = observed.observers.get(a.name)!;
        const input = obs.rangeInput();
        if (!input) return [];
        const methods: Record<string, MethodQParams> = {};
        for (const m of options.methods) methods[m] = methodQParams(m, input, options.bits, options.mode, options.convention);
        return [{ name: a.name, node: a.node, op: a.op, shape: obs.shape, count: obs.count, nonFinite: obs.nonFinite, min: obs.min, max: obs.max, methods, histogram: obs.displayHistogram() }];
      });
      const empty = tapped.activations.length - activations.length;
      const notes = [
        ...guards.map((g) => `If '${g.node}' took its ${g.value ? 'then' : 'else'} branch on every batch: that branch is inlined and observed`),
        ...tapped.notes,
        ...(empty > 0 ? [`${empty} activations held no finite value and are left out`] : []),
      ];
      return {
        model: path.basename(modelPath), samples: calib.samples, batches: observed.batches, inputs: calib.inputs,
        bits: options.bits, mode: options.mode, convention: options.convention, methods: options.methods,
        activations, notes, elapsedMs: Date.now() - started,
      };
    } finally {
      await tapped.session.release();
    }
  } finally {
    await calib.close();
  }
}

export interface Observed {
  readonly observers: ReadonlyMap<string, ActivationObserver>;
  readonly batches: number;
}

/** Runs every batch and feeds each tapped activation to its observer. */
export async function observeActivations(
  session: ModelSession, activations: readonly NodeOutput[], calib: CalibData, batch: number, hooks: CalibrationHooks, signal?: AbortSignal,
  guards: readonly IfGuard[] = [],
): Promise<Observed> {
  const observers = new Map(activations.map((a) => [a.name, new ActivationObserver()]));
  const names = [...activations.map((a) => a.name), ...guards.map((g) => g.cond)];
  let done = 0;
  let batches = 0;
  for await (const b of calib.batches(batch)) {
    throwIfAborted(signal);
    const out = await session.run(toFeeds(session, b.feeds), names);
    for (const g of guards) {
      if (Boolean((out[g.cond]!.data as Uint8Array)[0]) !== g.value) {
        throw new FormatError(DATA_FORMAT, `If '${g.node}' takes the other branch from sample ${done} on: calibrate such samples separately (an If is observed only when its condition is the same on all data)`);
      }
    }
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
