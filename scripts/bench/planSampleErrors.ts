/**
 * A cheap, honest error table for timing the solver without the 7B sweep: every planned tensor
 * gets the relative errors the real quantizers give on one slice of real trained weights (the
 * bundled sample MLP's, cut into runs of whole 256-value rows, one slice per tensor in turn).
 * The magnitudes and the spread between candidates are those of real weights; only which tensor
 * gets which slice is arbitrary, and the solver's time does not depend on that.
 */
import * as path from 'node:path';
import { openModel } from '../../src/core/formats/registry';
import { errorKeyOf, type Candidate } from '../../src/core/plan/costModel';
import type { ErrorTable } from '../../src/core/plan/errors/errorTable';
import { roundTripOf } from '../../src/core/plan/errors/roundTrip';
import type { PlanTensor } from '../../src/core/plan/planTypes';
import '../../src/core/quant/ggml';

/** The bundled sample's weights, seen from dist/planBench.js. */
const SAMPLE = path.join(__dirname, '..', 'samples', 'mlp', 'model.safetensors');
/** Row length of a slice: a whole block of every ggml candidate (32 and 256). */
const ROW = 256;
/** Values per slice: 16 rows, enough for a stable error and a few dozen slices from the sample. */
const SLICE = 16 * ROW;

/** Every 2-D weight of the sample, flattened one after another, cut into slices of SLICE values. */
async function sampleSlices(): Promise<Float32Array[]> {
  const model = await openModel([SAMPLE]);
  try {
    const slices: Float32Array[] = [];
    for (const t of model.tensors.filter((e) => e.shape.length === 2)) {
      const values = Float32Array.from(await t.data.read(0, t.numel) as ArrayLike<number>);
      for (let at = 0; at + SLICE <= values.length; at += SLICE) slices.push(values.subarray(at, at + SLICE));
    }
    return slices;
  } finally {
    await model.close();
  }
}

/** ||x - Q(x)|| / ||x|| of one slice under one candidate (row-wise candidates only: no whole-tensor range). */
function relErr(x: Float32Array, candidate: Candidate): number {
  const deq = new Float32Array(x.length);
  roundTripOf(candidate, ROW, null, 'F32')(x, deq, 0, x.length); // the sample's weights are float32
  let noise = 0;
  let signal = 0;
  for (let i = 0; i < x.length; i++) {
    noise += (x[i]! - deq[i]!) ** 2;
    signal += x[i]! ** 2;
  }
  return Math.sqrt(noise / signal);
}

/** The table for `tensors` x their candidates, each tensor with the errors of slice (index mod slices). */
export async function sampleErrorTable(tensors: readonly PlanTensor[], candidatesOf: (t: PlanTensor) => readonly Candidate[]): Promise<{ table: ErrorTable; slices: number }> {
  const slices = await sampleSlices();
  const perSlice = new Map<string, Float64Array>();
  const errorOf = (k: number, c: Candidate): number => {
    const name = errorKeyOf(c);
    let row = perSlice.get(name);
    if (!row) {
      row = new Float64Array(slices.length).fill(NaN);
      perSlice.set(name, row);
    }
    if (Number.isNaN(row[k]!)) row[k] = relErr(slices[k]!, c);
    return row[k]!;
  };
  const relErrs: Record<string, Record<string, number>> = {};
  tensors.forEach((t, i) => {
    const k = i % slices.length;
    relErrs[t.name] = Object.fromEntries(candidatesOf(t).map((c) => [errorKeyOf(c), errorOf(k, c)]));
  });
  return { table: { weighted: false, relErr: relErrs }, slices: slices.length };
}
