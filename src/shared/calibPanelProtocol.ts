/**
 * Messages of the inspector's Calibration and PTQ tabs (ONNX models): the host pushes each job's
 * whole state whenever it changes (it is small: no tensor payloads), the webview sends intents.
 */
import type { Convention, IntMode, RangeMethod } from './analysisTypes';
import type { CalibrationOptions, CalibrationProgress, CalibrationReport, PtqOptions, PtqProgress, PtqReport } from './calibTypes';
import type { PanelError } from './panelError';

export type JobStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

/** One calibration or PTQ run as the panel shows it. */
export interface JobState<Options, Progress, Report> {
  readonly status: JobStatus;
  /** The data file's name (the full path is the tooltip), null before the first run. */
  readonly dataLabel: string | null;
  readonly dataPath: string | null;
  readonly options: Options | null;
  readonly progress: Progress | null;
  readonly report: Report | null;
  /** One line, shown in place of the results. */
  readonly error: PanelError | null;
}

export type CalibrationState = JobState<CalibrationOptions, CalibrationProgress, CalibrationReport>;
export type PtqState = JobState<PtqOptions, PtqProgress, PtqReport>;

export const IDLE_JOB = {
  status: 'idle', dataLabel: null, dataPath: null, options: null, progress: null, report: null, error: null,
} as const satisfies JobState<never, never, never>;

/** What the Calibration tab's toolbar chooses; the host adds the data file. */
export interface CalibSettings {
  readonly bits: number;
  readonly mode: IntMode;
  readonly convention: Convention;
}

/** What the PTQ tab's toolbar chooses: configs as the CLI spells them (CLI.md `ptq`). */
export interface PtqSettings {
  readonly weights: readonly string[];
  readonly activations: readonly string[];
}

/** Calibration table exports: the report as JSON, onnxruntime's two files, TensorRT's cache. */
export type CalibTableFormat = 'json' | 'ort' | 'ort-json' | 'tensorrt';
export const CALIB_TABLE_FORMATS: readonly CalibTableFormat[] = ['json', 'ort', 'ort-json', 'tensorrt'];

export type CalibHostToWebview =
  | { readonly type: 'calibrationState'; readonly state: CalibrationState }
  | { readonly type: 'ptqState'; readonly state: PtqState };

export type CalibWebviewToHost =
  /** The host asks for the data file (quick pick / open dialog), then runs. */
  | { readonly type: 'calibrate'; readonly settings: CalibSettings }
  | { readonly type: 'cancelCalibration' }
  | { readonly type: 'exportCalibration'; readonly format: CalibTableFormat; readonly method: RangeMethod }
  | { readonly type: 'simulatePtq'; readonly settings: PtqSettings }
  | { readonly type: 'cancelPtq' };

/** What the Calibration and PTQ tabs report they show (for host tests). */
export interface CalibRendered {
  readonly activationRows: number;
  readonly selectedActivation: string | null;
  readonly ptqRuns: number;
  /** The error line shown in place in the calibration / PTQ tab, if any. */
  readonly calibrationError: string | null;
  readonly ptqError: string | null;
}

/** CLI.md `calibrate` defaults: 8 bits, asymmetric, lecture formulas. */
export const DEFAULT_CALIB_SETTINGS: CalibSettings = { bits: 8, mode: 'asymmetric', convention: 'lecture' };

/**
 * CLI.md `ptq` weight defaults (int8/int4/int2 symmetric per tensor), plus uint8 activations so
 * the panel has a weights+activations run to show per-layer SQNR for.
 */
export const DEFAULT_PTQ_SETTINGS: PtqSettings = {
  weights: ['int8:symmetric:tensor', 'int4:symmetric:tensor', 'int2:symmetric:tensor'],
  activations: ['uint8'],
};
