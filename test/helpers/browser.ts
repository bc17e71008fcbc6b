// A real headless Chromium for web tests: CHROME_PATH if set, else Debian's chromium,
// else the one shipped inside the @sparticuz/chromium npm package (no download at run time).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

async function executable(): Promise<{ path: string; args: string[] }> {
  if (process.env.CHROME_PATH) return { path: process.env.CHROME_PATH, args: FLAGS };
  if (existsSync('/usr/bin/chromium')) return { path: '/usr/bin/chromium', args: FLAGS };
  const sparticuz = (await import('@sparticuz/chromium')).default;
  return { path: await sparticuz.executablePath(), args: [...sparticuz.args, '--disable-background-networking', '--disable-component-update'] };
}

export async function launchBrowser(): Promise<Browser> {
  const { path, args } = await executable();
  return chromium.launch({ executablePath: path, args, headless: true });
}
