/**
 * The importance matrix of the Plan tab: read, checked against the model as llama-quantize checks
 * it (a mismatch is a one-line UsageError), and its statistics per tensor and per layer.
 * Plain TypeScript (no vscode), so it is unit-tested.
 */
import * as path from 'path';
import { layerImatrixStats, tensorImatrixStats, type ImatrixStats } from '../core/plan/imatrix/imatrixStats';
import { matchImatrix } from '../core/plan/imatrix/matchImatrix';
import { readImatrix } from '../core/plan/imatrix/readImatrix';
import type { SweptModel } from '../core/plan/errors/modelErrors';
import type { ImatrixStatsRow, PlanImatrixShown } from '../shared/planPanelProtocol';

/** How the layer of tensors outside the blocks (token_embd, output) is named. */
const OUTSIDE_BLOCKS = 'outside blocks';

function row(name: string, s: ImatrixStats): ImatrixStatsRow {
  return { name, energy: s.energy, spread: s.spread, cv: s.cv, columns: s.columns };
}

export async function loadPlanImatrix(file: string, model: SweptModel): Promise<PlanImatrixShown> {
  const imatrix = await readImatrix(file);
  matchImatrix(imatrix, model.tensors);
  return {
    file: path.basename(file),
    format: imatrix.format,
    datasets: imatrix.datasets,
    chunkCount: imatrix.chunkCount,
    layers: layerImatrixStats(imatrix).map((l) => row(l.layer === null ? OUTSIDE_BLOCKS : `blk.${l.layer}`, l)),
    tensors: tensorImatrixStats(imatrix).map((t) => row(t.name, t)),
  };
}
