/**
 * Every message between the extension host and the Compare (two files) webview, and the offline
 * HTML export, which replays the same host messages from embedded data.
 */
import type { CompareOutcome, PairHistograms, PairSpec } from './compareTypes';
import type { ExportFormat, PanelError } from './webviewProtocol';

/** What is compared, and how: the configuration every export carries. */
export interface CompareSetup {
  /** `panel`: live in VS Code; `report`: a saved HTML export (nothing to run). */
  readonly mode: 'panel' | 'report';
  readonly reference: string;
  readonly candidate: string;
  /** How names were matched: `auto`, `none`, or `file:<path>` (CLI.md `compare --map`). */
  readonly mapping: string;
  readonly quantlensVersion: string;
}

export type CompareStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** Elements of the candidate read so far, of all its elements. */
export interface CompareProgress {
  readonly elementsDone: number;
  readonly elementsTotal: number;
}

export type HostToCompareView =
  | { readonly type: 'init'; readonly setup: CompareSetup }
  | { readonly type: 'status'; readonly status: CompareStatus; readonly progress: CompareProgress | null; readonly error: PanelError | null }
  | { readonly type: 'result'; readonly result: CompareOutcome }
  | { readonly type: 'histograms'; readonly pair: PairSpec; readonly histograms: PairHistograms | null; readonly error: string | null };

/** The pair table's columns, in order; each sorts. */
export const PAIR_COLUMNS = ['reference', 'candidate', 'type', 'transform', 'sqnr', 'cosine', 'maxErr', 'relFrob'] as const;
export type PairColumn = (typeof PAIR_COLUMNS)[number];

/** What the webview reports it shows (for tests and the host). */
export interface CompareRendered {
  readonly status: CompareStatus | 'waiting';
  readonly findings: number;
  readonly pairsTotal: number;
  /** Rows the filter lets through, in the order shown. */
  readonly pairRows: number;
  readonly unpaired: number;
  readonly sort: { readonly column: PairColumn; readonly descending: boolean };
  readonly filter: string;
  /** The drilled-down pair's candidate name. */
  readonly selected: string | null;
  readonly chartsDrawn: number;
  readonly error: string | null;
}

export type CompareViewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'cancel' }
  | { readonly type: 'rerun' }
  | { readonly type: 'swap' }
  | { readonly type: 'requestHistograms'; readonly pair: PairSpec }
  | { readonly type: 'export'; readonly format: ExportFormat | null }
  | { readonly type: 'rendered'; readonly view: CompareRendered };
