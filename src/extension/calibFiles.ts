/** Calibration data files, without the editor: which data files to offer, and which array feeds the model. */

export type DataPurpose = 'calibrate' | 'ptq';

/** A data file for a run: the path, and the `.npz` array that feeds the model's input. */
export interface DataChoice {
  readonly path: string;
  readonly inputKey: string | null;
}

const DATA_EXTENSIONS = /\.(npy|npz)$/i;
/** CLI.md `ptq`: inputs and labels under these `.npz` keys by default. */
const PTQ_INPUT_KEY = 'x';

/** Data files next to the model, the likeliest first: `*calib*` for calibration, `.npz` with labels for PTQ. */
export function rankDataFiles(names: readonly string[], purpose: DataPurpose): string[] {
  const score = (n: string): number => {
    const lower = n.toLowerCase();
    if (purpose === 'calibrate') return (lower.includes('calib') ? 0 : 2) + (lower.endsWith('.npy') ? 0 : 1);
    return (lower.endsWith('.npz') ? 0 : 2) + (/test|eval|val/.test(lower) ? 0 : 1);
  };
  return names.filter((n) => DATA_EXTENSIONS.test(n)).sort((a, b) => score(a) - score(b) || a.localeCompare(b));
}

/** `.npz` files feed PTQ's inputs from `x` (labels from `y`); calibration takes the only array, or `x`. */
export function dataChoice(file: string, purpose: DataPurpose, inputKey?: string | null): DataChoice {
  if (inputKey !== undefined) return { path: file, inputKey };
  return { path: file, inputKey: purpose === 'ptq' && file.toLowerCase().endsWith('.npz') ? PTQ_INPUT_KEY : null };
}
