import type { CompareSetup, HostToCompareView } from '../../shared/comparePanelProtocol';
import type { CompareOutcome } from '../../shared/compareTypes';
import { escapeHtml, REPORT_DATA_ID, scriptSafeJson, sha256, type HtmlReportAssets } from './html';

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
 * findings, the pair table and the unpaired names. Its CSP allows exactly the inlined script and style.
 */
export function compareHtml(setup: CompareSetup, result: CompareOutcome, assets: HtmlReportAssets): string {
  const style = `${assets.themeCss}\n${assets.css}`;
  const script = assets.script.replace(/<\/script/gi, '<\\/script');
  const csp = ["default-src 'none'", `script-src ${sha256(script)}`, `style-src ${sha256(style)}`, 'img-src data:'].join('; ');
  const title = `QuantLens comparison: ${baseName(setup.candidate)} against ${baseName(setup.reference)}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="QuantLens ${escapeHtml(setup.quantlensVersion)}">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body class="quantlens-report">
<div id="app" class="app"><noscript>This report draws its tables with JavaScript.</noscript></div>
<script type="application/json" id="${REPORT_DATA_ID}">${scriptSafeJson(compareMessages(setup, result))}</script>
<script>${script}</script>
</body>
</html>
`;
}
