import type { CompareSetup, HostToCompareView } from '../../shared/comparePanelProtocol';
import type { CompareOutcome } from '../../shared/compareTypes';
import { reportPage, type HtmlReportAssets } from './reportPage';

/** What a Compare panel received, for the app to replay (no drill-down: a saved page computes nothing). */
export function compareMessages(setup: CompareSetup, result: CompareOutcome): HostToCompareView[] {
  return [
    { type: 'init', setup: { ...setup, mode: 'report' } },
    { type: 'result', result },
    { type: 'status', status: 'done', progress: null, error: null },
  ];
}

const baseName = (file: string): string => file.split(/[\\/]/).pop() ?? file;

/**
 * A self-contained page: the Compare app (dist/compareWebview.js) and its data in one file, with the
 * findings, the pair table and the unpaired names.
 */
export function compareHtml(setup: CompareSetup, result: CompareOutcome, assets: HtmlReportAssets): string {
  return reportPage({
    title: `QuantLens comparison: ${baseName(setup.candidate)} against ${baseName(setup.reference)}`,
    quantlensVersion: setup.quantlensVersion,
    noscript: 'This report draws its tables with JavaScript.',
    messages: compareMessages(setup, result),
  }, assets);
}
