/**
 * PTQ simulation: the float model, then fake-quantized variants on the same data: weight-only
 * (initializers replaced by their fake-quantized values) and weights + activations (Q/DQ pairs
 * with calibrated ranges). Each is scored by accuracy against labels, top-1 agreement with the
 * float model and output SQNR; weights+activations runs also get per-activation SQNR.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CalibDataSpec, LayerSqnr, PtqHooks, PtqOptions, PtqReport, PtqRun } from '../../../shared/calibTypes';
import { FormatError } from '../../errors';
import { cloneModel, encodeModel } from '../../onnxproto/codec';
import { readFloat32, tensorShape, writeFloat32 } from '../../onnxproto/floatTensor';
import type { ModelProto } from '../../onnxproto/types';
import { computeQParams } from '../../quant/affine/qparams';
import { chooseRange } from '../../quant/ranges/chooseRange';
import { DATA_FORMAT } from '../data/dataArrays';
import { openCalibData, type CalibData } from '../data/calibData';
import { throwIfAborted } from '../abort';
import { observeActivations } from '../runCalibration';
import { ModelSession } from '../session';
import { decodeRunnableModel, openTappedModel, type TappedModel } from '../tappedModel';
import { parseActivationConfig, parseWeightConfig, type ActivationConfig, type WeightConfig } from './configs';
import { evaluate, outputEnergy, percentEqual, sqnrDb, top1, type Evaluation } from './evaluate';
import { fakeQuantize } from './fakeQuant';
import { dequantizedName, insertQdq, type ActivationQParams } from './qdq';
import { weightTargets } from './weightTargets';

/** QuantizeLinear stores zero points in 8 bits. */
const ZP_RANGE = { uint8: [0, 255], int8: [-128, 127] } as const;

interface Variant {
  readonly weights: WeightConfig | null;
  readonly activations: ActivationConfig | null;
}

export async function runPtq(
  modelPath: string, data: CalibDataSpec, calibData: CalibDataSpec | null, options: PtqOptions, hooks: PtqHooks = {}, signal?: AbortSignal,
): Promise<PtqReport> {
  const started = Date.now();
  const weights = options.weights.map(parseWeightConfig);
  const acts = options.activations.map(parseActivationConfig);
  const model = decodeRunnableModel(await fs.readFile(modelPath));
  const outputName = model.graph!.output[0]?.name;
  if (!outputName) throw new FormatError('onnx', 'the model has no output');
  const targets = weightTargets(model.graph!, options.allWeights);
  const sessionOptions = { threads: options.threads ?? undefined };
  const variants: Variant[] = [
    ...weights.map((w) => ({ weights: w, activations: null })),
    ...acts.flatMap((a) => [null, ...weights].map((w) => ({ weights: w, activations: a }))),
  ];
  const total = variants.length + 1;
  const floatTapped = await openTappedModel(model, sessionOptions);
  const evalData = await openCalibData(data, floatTapped.session.inputs);
  try {
    const labels = await readLabels(evalData, options.labelsKey, data.path);
    const floatEval = await evaluate(floatTapped.session, outputName, evalData, options.batch, null, signal);
    const floatTop1 = top1(floatEval);
    hooks.onProgress?.({ runsDone: 1, runsTotal: total });
    const actParams = acts.length > 0 ? await activationQParams(floatTapped, calibData ?? data, acts, options, signal) : new Map<string, ActivationQParams[]>();
    const runs: PtqRun[] = [];
    for (const v of variants) {
      throwIfAborted(signal);
      runs.push(await runVariant(model, v, targets, actParams, floatTapped, outputName, evalData, floatEval, floatTop1, labels, options, signal));
      hooks.onProgress?.({ runsDone: runs.length + 1, runsTotal: total });
    }
    const notes = [...floatTapped.notes];
    if (targets.length === 0) notes.push('no float32 initializer feeds a MatMul, Gemm or Conv weight input: weight configs change nothing (weights in Constant nodes are not quantized)');
    return {
      model: path.basename(modelPath), samples: evalData.samples, output: outputName, convention: options.convention,
      float: { accuracy: labels ? percentEqual(floatTop1, labels) : null }, weightTensors: targets, runs, notes,
      elapsedMs: Date.now() - started,
    };
  } finally {
    await evalData.close();
    await floatTapped.session.release();
  }
}

async function readLabels(data: CalibData, key: string, file: string | null): Promise<Int32Array | null> {
  const array = data.arrays.find((a) => a.name === key);
  if (!array) return null;
  if (array.shape.length !== 1 || array.shape[0]! < data.samples) {
    throw new FormatError(DATA_FORMAT, `${file ?? 'data'}: labels '${key}' have shape [${array.shape.join(', ')}], expected [${data.samples}]`);
  }
  const values = await array.readRows(0, data.samples);
  return Int32Array.from(values as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Ranges of every activation on the calibration data, as qparams for each activation config. */
async function activationQParams(
  floatTapped: TappedModel, spec: CalibDataSpec, acts: readonly ActivationConfig[], options: PtqOptions, signal?: AbortSignal,
): Promise<Map<string, ActivationQParams[]>> {
  const calib = await openCalibData(spec, floatTapped.session.inputs);
  try {
    const { observers } = await observeActivations(floatTapped.session, floatTapped.activations, calib, options.batch, {}, signal);
    const out = new Map<string, ActivationQParams[]>();
    for (const a of acts) {
      const list: ActivationQParams[] = [];
      for (const [name, obs] of observers) {
        const input = obs.rangeInput();
        if (!input) continue;
        const range = chooseRange(a.method, input, 8, a.mode, options.convention);
        const q = computeQParams(range.min, range.max, 8, a.mode, options.convention);
        const [lo, hi] = ZP_RANGE[a.type];
        // A degenerate (constant) activation still needs a positive scale in QuantizeLinear.
        list.push({ name, scale: q.scale > 0 ? q.scale : 1, zeroPoint: Math.min(hi, Math.max(lo, q.zeroPoint)), type: a.type });
      }
      out.set(a.label, list);
    }
    return out;
  } finally {
    await calib.close();
  }
}

async function runVariant(
  original: ModelProto, v: Variant, targets: readonly string[], actParams: ReadonlyMap<string, ActivationQParams[]>, floatTapped: TappedModel,
  outputName: string, evalData: CalibData, floatEval: Evaluation, floatTop1: Int32Array, labels: Int32Array | null, options: PtqOptions, signal?: AbortSignal,
): Promise<PtqRun> {
  const model = cloneModel(original);
  if (v.weights) {
    const wanted = new Set(targets);
    for (const t of model.graph!.initializer) {
      if (wanted.has(t.name ?? '')) writeFloat32(t, fakeQuantize(readFloat32(t), tensorShape(t), v.weights, options.convention));
    }
  }
  let quantized: string[] = [];
  if (v.activations) {
    quantized = insertQdq(model, actParams.get(v.activations.label) ?? []);
    const graph = model.graph!;
    const present = new Set(graph.output.map((o) => o.name));
    for (const name of quantized.map(dequantizedName)) if (!present.has(name)) graph.output.push({ name });
  }
  const session = await ModelSession.create(encodeModel(model), { threads: options.threads ?? undefined });
  try {
    const ops = new Map(floatTapped.activations.map((a) => [a.name, a.op]));
    const compare = v.activations ? { float: floatTapped.session, pairs: quantized.map((q) => [q, dequantizedName(q)] as const) } : null;
    const e = await evaluate(session, outputName, evalData, options.batch, compare, signal);
    const predictions = top1(e);
    const layers: LayerSqnr[] = [...e.layers].map(([name, energy]) => ({ name, op: ops.get(name) ?? '', sqnrDb: sqnrDb(energy) }));
    return {
      weights: v.weights?.label ?? null,
      activations: v.activations?.label ?? null,
      accuracy: labels ? percentEqual(predictions, labels) : null,
      agreement: percentEqual(predictions, floatTop1),
      outputSqnrDb: sqnrDb(outputEnergy(floatEval.output, e.output)),
      ...(v.activations ? { layers } : {}),
    };
  } finally {
    await session.release();
  }
}
