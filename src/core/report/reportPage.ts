import { createHash } from 'crypto';
import { REPORT_DATA_ID } from '../../shared/reportData';

/** A panel app's built files, inlined so the report opens offline from a single file. */
export interface HtmlReportAssets {
  /** The app's bundle from dist/ (chart.js included). */
  readonly script: string;
  /** The app's stylesheets from media/. */
  readonly css: string;
  /** media/report-theme.css: stand-ins for the editor's --vscode-* colours. */
  readonly themeCss: string;
}

/** What one report page shows: its title, what it says without JavaScript, and the messages the app replays. */
export interface ReportPageContent {
  readonly title: string;
  readonly quantlensVersion: string;
  readonly noscript: string;
  readonly messages: readonly unknown[];
}

export function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON that can sit inside a <script> element: no `</script>`, no HTML comment openers. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * A self-contained page: a panel app and the messages it replays in one file. Its CSP allows exactly
 * the inlined script and style (by hash).
 */
export function reportPage(content: ReportPageContent, assets: HtmlReportAssets): string {
  const style = `${assets.themeCss}\n${assets.css}`;
  const script = assets.script.replace(/<\/script/gi, '<\\/script');
  const csp = ["default-src 'none'", `script-src ${sha256(script)}`, `style-src ${sha256(style)}`, 'img-src data:'].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="QuantLens ${escapeHtml(content.quantlensVersion)}">
<title>${escapeHtml(content.title)}</title>
<style>${style}</style>
</head>
<body class="quantlens-report">
<div id="app" class="app"><noscript>${content.noscript}</noscript></div>
<script type="application/json" id="${REPORT_DATA_ID}">${scriptSafeJson(content.messages)}</script>
<script>${script}</script>
</body>
</html>
`;
}
