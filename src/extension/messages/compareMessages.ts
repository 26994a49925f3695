import { PAIR_COLUMNS, type CompareRendered, type CompareViewToHost } from '../../shared/comparePanelProtocol';
import type { PairSpec } from '../../shared/compareTypes';
import { EXPORT_FORMATS } from '../../shared/webviewProtocol';
import { boolean, integer, literal, nullable, object, oneOf, refine, text, type Decoder } from './decoders';
import { bare, type MessageValidators } from './validateMessage';

/** What a Compare panel checks messages against: the pairs of its finished comparison (none while it runs). */
export interface CompareContext {
  readonly pairs: readonly PairSpec[];
}

/** Tensor names and transforms: real ones are under a few hundred chars; this bounds what is compared. */
const MAX_NAME_CHARS = 4096;
/** The filter box's text, and error lines the view reports. */
const MAX_TEXT_CHARS = 16384;
/** Rows and charts a view can report: far above any model's tensor count, below overflow. */
const MAX_COUNT = 2 ** 31 - 1;

const name = text(MAX_NAME_CHARS);
const count = integer(0, MAX_COUNT);

function knownPair(ctx: CompareContext): Decoder<PairSpec> {
  return refine(object({ reference: name, candidate: name, transform: name }), (p) =>
    ctx.pairs.some((q) => q.reference === p.reference && q.candidate === p.candidate && q.transform === p.transform) ? null : 'no such pair in this comparison');
}

const rendered: Decoder<CompareRendered> = object({
  status: oneOf(['waiting', 'running', 'done', 'failed', 'cancelled']),
  findings: count,
  pairsTotal: count,
  pairRows: count,
  unpaired: count,
  sort: object({ column: oneOf(PAIR_COLUMNS), descending: boolean }),
  filter: text(MAX_TEXT_CHARS),
  selected: nullable(name),
  chartsDrawn: count,
  error: nullable(text(MAX_TEXT_CHARS)),
});

/** Every message the Compare webview may post, checked before the panel acts on it. */
export const COMPARE_VALIDATORS: MessageValidators<CompareViewToHost, CompareContext> = {
  ready: bare('ready'),
  cancel: bare('cancel'),
  rerun: bare('rerun'),
  swap: bare('swap'),
  requestHistograms: (raw, ctx) => object({ type: literal('requestHistograms'), pair: knownPair(ctx) })(raw, 'message'),
  // No path: the host asks where to save with its own dialog.
  export: (raw) => object({ type: literal('export'), format: nullable(oneOf(EXPORT_FORMATS)) })(raw, 'message'),
  rendered: (raw) => object({ type: literal('rendered'), view: rendered })(raw, 'message'),
};
