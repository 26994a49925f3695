import { randomBytes } from 'crypto';
import * as vscode from 'vscode';

const NONCE_BYTES = 16;

/** The inspector's HTML (dist/webview.js, media/inspector.css). */
export function inspectorHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return panelHtml(webview, extensionUri, 'webview.js', ['inspector.css']);
}

/**
 * A panel's HTML, set once: strict CSP, one nonce'd script from dist/, styles from media/ only.
 * The app builds its DOM from the host's `init` message.
 */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, scriptFile: string, styleFiles: readonly string[]): string {
  const nonce = randomBytes(NONCE_BYTES).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', scriptFile));
  const styles = styleFiles.map((f) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', f)));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${styles.map((s) => `<link rel="stylesheet" href="${s.toString()}">`).join('\n')}
<title>QuantLens</title>
</head>
<body>
<div id="app" class="app"><p class="empty-state">Reading the file's headers…</p></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
