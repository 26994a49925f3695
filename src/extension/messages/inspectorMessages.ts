import { parseActivationConfig, parseWeightConfig } from '../../core/calib/ptq/configs';
import { CALIB_TABLE_FORMATS } from '../../shared/calibPanelProtocol';
import { EXPORT_FORMATS, INSPECTOR_TABS, type BlockRequest, type HistogramRequest, type RenderedView, type WebviewToHost } from '../../shared/webviewProtocol';
import { CONVENTIONS, GRANULARITIES, INT_BITS, INT_MODES, isGroupSize, isIntBits, MAX_GROUP_SIZE } from '../../shared/vocab/intSchemes';
import { NAMED_FORMATS } from '../../shared/vocab/namedFormats';
import { parseRangeMethod, rangeMethodProblem } from '../../shared/vocab/rangeMethods';
import { integer, list, literal, nullable, object, oneOf, optional, refine, text, type Decoder } from './decoders';
import { PLAN_VALIDATORS, planRendered } from './planMessages';
import { bare, type MessageValidators } from './validateMessage';

/** What the inspector panel checks messages against: the opened document's tensors. */
export interface InspectorContext {
  readonly tensorNames: ReadonlySet<string>;
}

/** Tensor and activation names: real ones are under a few hundred chars; this bounds what is looked up. */
const MAX_NAME_CHARS = 4096;
/** A range method or a PTQ config as written (`percentile:99.999`, `int4:asymmetric:group:128`). */
const MAX_SPEC_CHARS = 64;
/** A configuration's label (configLabel: `int8 asym group128 percentile:99.999`): a few dozen chars. */
const MAX_CONFIG_CHARS = 256;
/** An error line the webview says it shows (paths included). */
const MAX_ERROR_CHARS = 16384;
/** Rows, charts and tensors a view can report: far above any model's tensor count, below overflow. */
const MAX_COUNT = 2 ** 31 - 1;
/** Channel axis: ONNX allows 64 dimensions, the most of any format read. */
const MAX_AXIS = 63;
/** Range methods compared at once: the picker offers 7; room for settings that list more percentiles. */
const MAX_RANGE_METHODS = 32;
/** PTQ configurations per run: the panel sends at most 3 weight widths and 1 activation type. */
const MAX_PTQ_CONFIGS = 32;

const rangeMethod = refine(text(MAX_SPEC_CHARS), (m) => (parseRangeMethod(m) ? null : rangeMethodProblem(m)));
const intBits = refine(integer(INT_BITS.min, INT_BITS.max), (b) => (isIntBits(b) ? null : `${b} is not a bit width`));
const count = integer(0, MAX_COUNT);

/** A string the CLI's parser for `--weights` / `--activations` accepts. */
function cliSpec(parse: (spec: string) => unknown): Decoder<string> {
  return refine(text(MAX_SPEC_CHARS), (spec) => {
    try {
      parse(spec);
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  });
}

function tensorName(ctx: InspectorContext): Decoder<string> {
  return refine(text(MAX_NAME_CHARS), (name) => (ctx.tensorNames.has(name) ? null : 'no such tensor in this file'));
}

const selection = object({
  bits: list(intBits, INT_BITS.max - INT_BITS.min + 1),
  modes: list(oneOf(INT_MODES), INT_MODES.length),
  granularities: list(oneOf(GRANULARITIES), GRANULARITIES.length),
  groupSize: refine(integer(1, MAX_GROUP_SIZE), (g) => (isGroupSize(g) ? null : `group size ${g} is not allowed`)),
  ranges: list(rangeMethod, MAX_RANGE_METHODS),
  convention: oneOf(CONVENTIONS),
  formats: list(oneOf(NAMED_FORMATS), NAMED_FORMATS.length),
  axis: optional(integer(0, MAX_AXIS)),
});

function blockRequest(ctx: InspectorContext): Decoder<BlockRequest> {
  const fields = object({ tensor: tensorName(ctx), granularity: oneOf(['channel', 'group']), groupSize: nullable(integer(1, MAX_GROUP_SIZE)) });
  return refine(fields, (r) => ((r.granularity === 'group') === (r.groupSize !== null) ? null : 'groupSize is set for group, null for channel'));
}

function histogramRequest(ctx: InspectorContext): Decoder<HistogramRequest> {
  return object({ tensor: tensorName(ctx), config: text(MAX_CONFIG_CHARS) });
}

function renderedView(ctx: InspectorContext): Decoder<RenderedView> {
  return object({
    tab: oneOf(INSPECTOR_TABS),
    tensorsListed: count,
    resultRows: count,
    selectedTensor: nullable(tensorName(ctx)),
    chartsDrawn: count,
    analysisError: nullable(text(MAX_ERROR_CHARS)),
    tensorView: object({ rangeMethods: list(rangeMethod, MAX_RANGE_METHODS), blockChart: nullable(oneOf(['channel', 'group'])) }),
    calib: object({
      activationRows: count,
      selectedActivation: nullable(text(MAX_NAME_CHARS)),
      ptqRuns: count,
      calibrationError: nullable(text(MAX_ERROR_CHARS)),
      ptqError: nullable(text(MAX_ERROR_CHARS)),
    }),
    plan: planRendered,
  });
}

/** Every message the inspector webview (editor panel) may post, checked before the panel acts on it. */
export const INSPECTOR_VALIDATORS: MessageValidators<WebviewToHost, InspectorContext> = {
  ready: bare('ready'),
  analyze: (raw) => object({ type: literal('analyze'), selection })(raw, 'message'),
  cancel: bare('cancel'),
  // No path: the host asks where to save with its own dialog.
  export: (raw) => object({ type: literal('export'), format: nullable(oneOf(EXPORT_FORMATS)) })(raw, 'message'),
  reopenWithDefault: bare('reopenWithDefault'),
  requestBlockStats: (raw, ctx) => object({ type: literal('requestBlockStats'), request: blockRequest(ctx) })(raw, 'message'),
  requestHistograms: (raw, ctx) => object({ type: literal('requestHistograms'), request: histogramRequest(ctx) })(raw, 'message'),
  rendered: (raw, ctx) => object({ type: literal('rendered'), view: renderedView(ctx) })(raw, 'message'),
  calibrate: (raw) => object({
    type: literal('calibrate'),
    settings: object({ bits: intBits, mode: oneOf(INT_MODES), convention: oneOf(CONVENTIONS) }),
  })(raw, 'message'),
  cancelCalibration: bare('cancelCalibration'),
  exportCalibration: (raw) => object({ type: literal('exportCalibration'), format: oneOf(CALIB_TABLE_FORMATS), method: rangeMethod })(raw, 'message'),
  simulatePtq: (raw) => object({
    type: literal('simulatePtq'),
    settings: object({
      weights: list(cliSpec(parseWeightConfig), MAX_PTQ_CONFIGS),
      activations: list(cliSpec(parseActivationConfig), MAX_PTQ_CONFIGS),
    }),
  })(raw, 'message'),
  cancelPtq: bare('cancelPtq'),
  ...PLAN_VALIDATORS,
};
