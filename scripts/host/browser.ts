// Headless Debian chromium through playwright-core, allowed to reach only the local code-server.
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import * as fs from 'fs';
import * as path from 'path';

export const VIEWPORT = { width: 1400, height: 900 } as const;

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-default-apps', '--disable-extensions',
];

export interface LocalBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

export async function launchLocalBrowser(profileParent: string): Promise<LocalBrowser> {
  fs.mkdirSync(profileParent, { recursive: true });
  const profile = fs.mkdtempSync(path.join(profileParent, 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env['CHROMIUM'] ?? '/usr/bin/chromium',
    headless: true,
    viewport: VIEWPORT,
    args: CHROMIUM_ARGS,
  });
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    const local = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.protocol === 'data:' || u.protocol === 'blob:';
    return local ? route.continue() : route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is required`);
  return v;
}
