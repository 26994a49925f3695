/** `analyze --html`: the inspector app's built files, found next to the CLI bundle. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../../core/errors';
import type { HtmlReportAssets } from '../../core/report/reportPage';

/** Output names that ask for HTML when no format flag is given. */
const HTML_ENDINGS = ['.html', '.htm'];

/** Whether HTML is asked for: `--html`, or `--out *.html` with no other format flag. */
export function wantsHtml(htmlFlag: boolean, otherFormatFlags: readonly string[], out: string | undefined): boolean {
  if (htmlFlag && otherFormatFlags.length > 0) {
    throw new UsageError(`choose one output format, not --html and ${otherFormatFlags.map((f) => `--${f}`).join(' and ')}`);
  }
  if (htmlFlag) return true;
  return otherFormatFlags.length === 0 && out !== undefined && HTML_ENDINGS.some((e) => out.toLowerCase().endsWith(e));
}

/**
 * dist/webview.js sits next to dist/cli.js; the two stylesheets are in ../media (as in the
 * repository and the .vsix).
 */
export async function readHtmlAssets(distDir: string): Promise<HtmlReportAssets> {
  const read = async (file: string): Promise<string> => {
    try {
      return await fs.readFile(file, 'utf8');
    } catch (e) {
      throw new UsageError(`--html needs ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): run the build`);
    }
  };
  const media = path.join(distDir, '..', 'media');
  const [script, css, themeCss] = await Promise.all([
    read(path.join(distDir, 'webview.js')),
    read(path.join(media, 'inspector.css')),
    read(path.join(media, 'report-theme.css')),
  ]);
  return { script, css, themeCss };
}
