/**
 * Messages of the inspector's Plan tab: the webview sends what the user chose (settings and
 * intents, never a path), the host answers with the whole plan state (small: one row per tensor,
 * no tensor values). Plans are computed in the extension host from headers and cached errors.
 */
import type { JobStatus } from './calibPanelProtocol';
import type { PanelError } from './panelError';

/** The plan shown: a stock preset of the target, or the solver's plan under a size budget. */
export type PlanChoice =
  | { readonly kind: 'preset'; readonly preset: string }
  | { readonly kind: 'budget'; readonly unit: BudgetUnit; readonly value: number };

export type BudgetUnit = 'bpw' | 'bytes';
export const BUDGET_UNITS: readonly BudgetUnit[] = ['bpw', 'bytes'];

/** What the Plan tab's inputs choose. */
export interface PlanSettings {
  /** The tool the plan is for (the target table's name). */
  readonly target: string;
  readonly plan: PlanChoice;
  /** The stock preset the plan is compared against (diff mode, Pareto point highlighted). */
  readonly reference: string;
}

/** One tensor of a plan, as the table shows it. */
export interface PlanRow {
  readonly name: string;
  /** The target's category of the tensor (attn_v, ffn_down, token_embd, ...). */
  readonly role: string;
  /** The layer (block) number, null for tensors outside the blocks. */
  readonly layer: number | null;
  readonly type: string;
  readonly bytes: number;
  /** The type a rule asked for when a fallback replaced it. */
  readonly requested: string | null;
  /** Why: the rule, the fallback, the exclusion or the solver's gain. */
  readonly reason: string;
  /** ||W − Q(W)|| / ||W|| under the planned type (imatrix-weighted when one is used); null when not computed. */
  readonly relErr: number | null;
  /** This tensor's term of the predicted damage (alpha · relErr²); null when not computed. */
  readonly damage: number | null;
}

/** A whole plan as the panel shows it. */
export interface PlanShown {
  /** `Q4_K_M`, or `4.80 bpw plan`. */
  readonly label: string;
  readonly rows: readonly PlanRow[];
  readonly totalBytes: number;
  readonly totalValues: number;
  readonly bitsPerWeight: number;
  /** Predicted model damage (sum of the rows' terms); null when errors are not computed. */
  readonly damage: number | null;
}

/** A point of the size / damage chart. */
export interface ParetoPoint {
  readonly bytes: number;
  readonly bitsPerWeight: number;
  readonly damage: number;
  /** A stock preset's name; absent on the solver's front. */
  readonly label?: string;
}

/** A tool the target picker lists: disabled, with why, when it does not apply to this file. */
export interface PlanTargetOption {
  readonly name: string;
  readonly disabled: string | null;
}

/** The inputs stated on screen, and what the pickers offer. */
export interface PlanInputs {
  readonly target: string;
  readonly targets: readonly PlanTargetOption[];
  /** Whether the target weights errors by an importance matrix (llama.cpp's --imatrix): the picker is offered. */
  readonly imatrixOffered: boolean;
  /** The version of the target's rules, e.g. `llama.cpp 81ff7abe` (the commit they were ported from). */
  readonly rules: string;
  /** The target's stock presets that apply to this model. */
  readonly presets: readonly string[];
  /** Candidate storage types the solver chooses from (the target's defaults, as the CLI's without --candidates). */
  readonly candidates: readonly string[];
  /** The importance matrix used, by file name; null for none. */
  readonly imatrix: string | null;
  /** The measured point the damage model was refitted to, in words; null when not refitted. */
  readonly refit: string | null;
}

/** The tensor-type file (or another target's export) as it will be saved. */
export interface PlanExportPreview {
  readonly target: string;
  readonly fileName: string;
  readonly text: string;
  /** How to apply it, e.g. the llama-quantize command line. */
  readonly usage: string;
}

export type PlanStatus = 'idle' | 'loading' | 'ready' | 'failed';

/** The per-candidate error sweep (worker pool, cached per file and candidate): the solver's input. */
export interface PlanErrorsState {
  readonly status: JobStatus;
  /** Tensors done and in all. */
  readonly done: number;
  readonly total: number;
  /** Of the tensors done, those with nothing to compute: every error from the cache (or none needed). */
  readonly known: number;
  /** Values to quantize for the errors not known yet: 0 when the cache had them all. */
  readonly values: number;
  /** Share of the values to quantize that were read, 0..1. */
  readonly fraction: number;
  /** The folder the errors are cached in (per file and imatrix), shown with the sweep. */
  readonly cacheDir: string;
  readonly error: PanelError | null;
}

export const IDLE_PLAN_ERRORS: PlanErrorsState = { status: 'idle', done: 0, total: 0, known: 0, values: 0, fraction: 0, cacheDir: '', error: null };

/** One row of the importance matrix's statistics: a tensor, or a layer (its tensors together). */
export interface ImatrixStatsRow {
  /** The tensor's name, or `blk.N` (`outside blocks` for the others). */
  readonly name: string;
  /** Sum of the columns' mean squared activations: how much input the weights see. */
  readonly energy: number;
  /** Largest column over the mean column: how concentrated the important columns are. */
  readonly spread: number;
  /** Standard deviation of the columns over their mean. */
  readonly cv: number;
  readonly columns: number;
}

/** The importance matrix in use: what it was computed on and its statistics. */
export interface PlanImatrixShown {
  /** The file's name (the host keeps its path). */
  readonly file: string;
  readonly format: 'gguf' | 'dat';
  readonly datasets: readonly string[];
  readonly chunkCount: number | null;
  readonly layers: readonly ImatrixStatsRow[];
  readonly tensors: readonly ImatrixStatsRow[];
}

/** The budgets the solver can meet: from its smallest plan to its largest. */
export interface BudgetRange {
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly totalValues: number;
}

/** Everything the Plan tab shows; pushed whole by the host on every change. */
export interface PlanPanelState {
  readonly status: PlanStatus;
  /** One line, shown in place of the plan. */
  readonly error: PanelError | null;
  readonly settings: PlanSettings | null;
  readonly inputs: PlanInputs | null;
  readonly plan: PlanShown | null;
  /** The preset compared against. */
  readonly reference: PlanShown | null;
  /** The solver's front and the presets as points; null until per-candidate errors are computed. */
  readonly pareto: { readonly front: readonly ParetoPoint[]; readonly presets: readonly ParetoPoint[] } | null;
  readonly errors: PlanErrorsState;
  /** null until the errors are computed. */
  readonly budgetRange: BudgetRange | null;
  /** The exports of the target's plans, by export name (llama.cpp; modelopt, modelopt-hf; ...). */
  readonly exportTargets: readonly string[];
  readonly exportPreview: PlanExportPreview | null;
  /** The importance matrix the errors are weighted by; null for none. */
  readonly imatrix: PlanImatrixShown | null;
  /** Why the last imatrix chosen was refused (one line); the one in use, if any, stays. */
  readonly imatrixError: PanelError | null;
}

export const IDLE_PLAN: PlanPanelState = {
  status: 'idle', error: null, settings: null, inputs: null, plan: null, reference: null, pareto: null,
  errors: IDLE_PLAN_ERRORS, budgetRange: null, exportTargets: [], exportPreview: null, imatrix: null, imatrixError: null,
};

export type PlanHostToWebview = { readonly type: 'planState'; readonly state: PlanPanelState };

export type PlanWebviewToHost =
  /** (Re)plan with these settings (null: the model's defaults); the first one also loads the model's headers. */
  | { readonly type: 'plan'; readonly settings: PlanSettings | null }
  /** Render the current plan for `target` and show it (the host keeps the text it saves). */
  | { readonly type: 'planExportPreview'; readonly target: string }
  /** Save the previewed export through the save dialog. */
  | { readonly type: 'planExportSave' }
  /** Compute the per-candidate errors (progress in the state), then plan under a budget. */
  | { readonly type: 'planComputeErrors' }
  | { readonly type: 'planCancelErrors' }
  /** Choose an importance matrix in the host's open dialog (the path never comes from the webview). */
  | { readonly type: 'planPickImatrix' }
  /** Plan without an importance matrix again. */
  | { readonly type: 'planClearImatrix' }
  /** Rescale the damage model so a preset's prediction equals what was measured for it; null drops the refit. */
  | { readonly type: 'planRefit'; readonly refit: PlanRefit | null };

/** One measured point: the KL divergence (or perplexity ratio − 1) llama-perplexity reported for a preset's file. */
export interface PlanRefit {
  readonly preset: string;
  readonly measured: number;
}

/** What the Plan tab reports it shows (for host tests). */
export interface PlanRendered {
  readonly rows: number;
  readonly planLabel: string | null;
  readonly referenceLabel: string | null;
  readonly planBytes: number | null;
  readonly diffMode: boolean;
  readonly exportPreviewLines: number;
  readonly error: string | null;
  /** The importance matrix line as shown, and the refusal shown beside it. */
  readonly imatrix: string | null;
  readonly imatrixError: string | null;
}

export const EMPTY_PLAN_RENDERED: PlanRendered = {
  rows: 0, planLabel: null, referenceLabel: null, planBytes: null, diffMode: false, exportPreviewLines: 0, error: null, imatrix: null, imatrixError: null,
};
