import { BUDGET_UNITS, type PlanRendered, type PlanWebviewToHost } from '../../shared/planPanelProtocol';
import { boolean, finite, integer, literal, nullable, object, refine, text, variants, word, type Decoder } from './decoders';
import type { MessageValidators } from './validateMessage';

/** Targets and presets are names from tables (`llama.cpp`, `Q4_K_M`): no separators, so never a path. */
const TABLE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;
/** Longer than any target or preset name. */
const MAX_TABLE_NAME_CHARS = 64;
/** Bits per weight a budget may ask: the widest stored type is 64-bit. */
const MAX_BUDGET_BPW = 64;
/** A measured KL divergence or perplexity ratio − 1: far above any real one, still a number. */
const MAX_MEASURED = 1e6;
/** Labels and error lines the Plan tab reports it shows. */
const MAX_LABEL_CHARS = 16384;
const MAX_COUNT = 2 ** 31 - 1;

const tableName = word(TABLE_NAME, MAX_TABLE_NAME_CHARS, 'a target or preset name');

const planChoice = variants('kind', {
  preset: object({ kind: literal('preset'), preset: tableName }),
  budget: variants('unit', {
    bpw: object({ kind: literal('budget'), unit: literal('bpw'), value: refine(finite(0, MAX_BUDGET_BPW), (v) => (v > 0 ? null : 'a budget must be above 0')) }),
    bytes: object({ kind: literal('budget'), unit: literal('bytes'), value: integer(1, Number.MAX_SAFE_INTEGER) }),
  } satisfies Record<(typeof BUDGET_UNITS)[number], Decoder<unknown>>),
});

/** What the Plan tab reports it shows (part of the inspector's `rendered`). */
export const planRendered: Decoder<PlanRendered> = object({
  rows: integer(0, MAX_COUNT),
  planLabel: nullable(text(MAX_LABEL_CHARS)),
  referenceLabel: nullable(text(MAX_LABEL_CHARS)),
  planBytes: nullable(integer(0, Number.MAX_SAFE_INTEGER)),
  diffMode: boolean,
  exportPreviewLines: integer(0, MAX_COUNT),
  error: nullable(text(MAX_LABEL_CHARS)),
  imatrix: nullable(text(MAX_LABEL_CHARS)),
  imatrixError: nullable(text(MAX_LABEL_CHARS)),
});

/** The Plan tab's messages (the host checks targets and presets against its tables; here, their form). */
export const PLAN_VALIDATORS: MessageValidators<PlanWebviewToHost, unknown> = {
  plan: (raw) => object({
    type: literal('plan'),
    settings: nullable(object({ target: tableName, plan: planChoice, reference: tableName })),
  })(raw, 'message'),
  planExportPreview: (raw) => object({ type: literal('planExportPreview'), target: tableName })(raw, 'message'),
  // No path: the host saves its own rendering through the save dialog.
  planExportSave: (raw) => object({ type: literal('planExportSave') })(raw, 'message'),
  planComputeErrors: (raw) => object({ type: literal('planComputeErrors') })(raw, 'message'),
  planCancelErrors: (raw) => object({ type: literal('planCancelErrors') })(raw, 'message'),
  // No path: the host asks for the file in its open dialog.
  planPickImatrix: (raw) => object({ type: literal('planPickImatrix') })(raw, 'message'),
  planClearImatrix: (raw) => object({ type: literal('planClearImatrix') })(raw, 'message'),
  planRefit: (raw) => object({
    type: literal('planRefit'),
    refit: nullable(object({ preset: tableName, measured: refine(finite(0, MAX_MEASURED), (v) => (v > 0 ? null : 'a measured damage must be above 0')) })),
  })(raw, 'message'),
};
