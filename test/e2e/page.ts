// What every browser test of a QuantLens panel needs: the panel's frame, waits that poll instead of
// reading once (the webview renders asynchronously: a value read once races the next paint), painted
// canvases, and the page's CSP violations and errors collected for the final check.
import * as assert from 'assert';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { requireEnv } from '../../scripts/host/browser';

/** Workbench steps (startup, the first webview) can take a while on a busy 2-core machine. */
export const STEP_TIMEOUT_MS = 60_000;
/** How often a polled condition is read again. */
const POLL_INTERVAL_MS = 100;
/** The visible editor's webview (a hidden editor's webview may linger). */
export const WEBVIEW_IFRAME = 'iframe.webview.ready:visible';
/** Where the mouse rests for screenshots: the status bar, where no hover shows over the webview. */
export const MOUSE_REST = { x: 700, y: 895 } as const;

/** The content frame of the visible webview. */
export function webview(page: Page): FrameLocator {
  return page.frameLocator(WEBVIEW_IFRAME).frameLocator('iframe#active-frame');
}

/**
 * Reads `read` until `check` accepts it or the timeout passes, then asserts on the last value:
 * the failure message shows what was last seen, not a bare timeout.
 */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, timeoutMs = STEP_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() >= deadline) assert.fail(`${what}: last seen ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** Waits until `read` gives a value deep-equal to `expected`. */
export async function eventuallyEqual<T>(read: () => Promise<T>, expected: T, what: string): Promise<void> {
  await eventually(read, (v) => JSON.stringify(v) === JSON.stringify(expected), `${what} (expected ${JSON.stringify(expected)})`);
}

/** True when a canvas has at least one painted pixel that differs from its first pixel. */
async function canvasPainted(canvas: Locator): Promise<boolean> {
  return canvas.evaluate((node) => {
    const c = node as HTMLCanvasElement;
    const ctx = c.getContext('2d');
    if (!ctx || c.width === 0 || c.height === 0) return false;
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    for (let i = 4; i < data.length; i += 4) {
      if (data[i + 3] !== 0 && (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2] || data[i + 3] !== data[3])) return true;
    }
    return false;
  });
}

/** Each canvas appears and gets painted (chart.js may draw on its first resize, after the canvas is attached). */
export async function assertPainted(frame: FrameLocator, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    const canvas = frame.locator(`canvas#${id}`);
    await canvas.waitFor({ timeout: STEP_TIMEOUT_MS });
    await eventually(() => canvasPainted(canvas), (painted) => painted, `${id} is painted`);
  }
}

/** CSP violations and uncaught errors of the page and its frames, gathered while a test runs. */
export interface PageWatch {
  readonly cspViolations: string[];
  readonly pageErrors: string[];
}

const CSP_MESSAGE = /Content Security Policy|Refused to/i;

export async function watchPage(page: Page): Promise<PageWatch> {
  const watch: PageWatch = { cspViolations: [], pageErrors: [] };
  page.on('console', (m) => { if (CSP_MESSAGE.test(m.text())) watch.cspViolations.push(m.text()); });
  page.on('pageerror', (e) => watch.pageErrors.push(String(e)));
  // Violations inside the webview's nested frames reach the page's log, not its console.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Log.enable');
  cdp.on('Log.entryAdded', ({ entry }) => { if (CSP_MESSAGE.test(entry.text)) watch.cspViolations.push(entry.text); });
  return watch;
}

/** The end of every test: nothing the CSP refused, no uncaught error from QuantLens's webview. */
export function assertCleanPage(watch: PageWatch): void {
  assert.deepStrictEqual(watch.cspViolations, [], 'no CSP violations');
  assert.deepStrictEqual(watch.pageErrors.filter((e) => /quantlens|webview/i.test(e)), [], 'no errors from the webview');
}

/** Opens the workbench on a folder; waits for the DOM only (the full "load" can exceed a default timeout on a busy machine). */
export async function openWorkbench(page: Page, workspace: string): Promise<void> {
  await page.goto(`${requireEnv('CS_URL')}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded', timeout: STEP_TIMEOUT_MS });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: STEP_TIMEOUT_MS });
}

/**
 * How long the palette is given to list a command before it is closed and opened again: it lists
 * the commands known when the title was typed, and an extension's arrive a while after the workbench shows.
 */
const PALETTE_LIST_MS = 5_000;

/** Runs a command from the palette, then accepts the quick pick's first item showing `pick` for each entry. */
export async function runCommand(page: Page, title: string, picks: readonly string[]): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const listed = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await eventually(async () => {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await page.keyboard.type(title);
    if (await listed.waitFor({ timeout: PALETTE_LIST_MS }).then(() => true, () => false)) return true;
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
    return false;
  }, (shown) => shown, `the palette lists "${title}"`);
  await page.keyboard.press('Enter');
  for (const pick of picks) {
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: pick }).first();
    await row.waitFor({ timeout: STEP_TIMEOUT_MS });
    await row.click();
  }
}
