// A real headless Chromium for web tests: CHROME_PATH if set, else Debian's chromium,
// else the one shipped inside the @sparticuz/chromium npm package (no download at run time).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

async function executable(): Promise<{ path: string; args: string[] }> {
  if (process.env.CHROME_PATH) return { path: process.env.CHROME_PATH, args: FLAGS };
  if (existsSync('/usr/bin/chromium')) return { path: '/usr/bin/chromium', args: FLAGS };
  const sparticuz = (await import('@sparticuz/chromium')).default;
  // Its args run everything in one process with a SwiftShader GPU; there, tearing down the
  // previous page's compositor on every navigation blocks the whole browser for ~1.5 s (a
  // GL finish), which delayed the live queue's first update past 2 s. With --disable-gpu
  // it composites in software and the stall is gone.
  return { path: await sparticuz.executablePath(), args: [...sparticuz.args, '--disable-gpu', '--disable-background-networking', '--disable-component-update'] };
}

export async function launchBrowser(): Promise<Browser> {
  const { path, args } = await executable();
  return chromium.launch({ executablePath: path, args, headless: true });
}
