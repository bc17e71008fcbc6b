// The server under attack runs as a CHILD process (`control-tower serve`), exactly as an
// operator starts it: chDB allows one data directory per process, and kill -9 must hit a
// real process, not a function in the test's own.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** Producer key and admin password every chaos tower is started with. */
export const CHAOS_INGEST_KEY = 'chaos-ingest-key-0123456789abcdef';
export const CHAOS_ADMIN_PASSWORD = 'chaos-admin-password';
export const ingestAuth = { authorization: `Bearer ${CHAOS_INGEST_KEY}` };

export type Tower = {
  url: string;
  port: number;
  proc: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  logs(): string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  /** Resident set size of the process in bytes, read from /proc. */
  rssBytes(): number;
};

export function tempDataDir(prefix = 'ct-chaos-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A port that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolveP, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolveP(port));
    });
  });
}

// A failed assertion or a timed-out test must not leave a tower running (and holding its
// data dir) behind. 'exit' does not fire when vitest ends a worker with a signal: cover those.
const liveTowers = new Set<ChildProcess>();
let hooked = false;
function killWithThisProcess(proc: ChildProcess): void {
  liveTowers.add(proc);
  if (hooked) return;
  hooked = true;
  const killAll = () => liveTowers.forEach((p) => p.kill('SIGKILL'));
  process.once('exit', killAll);
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => (killAll(), process.exit(1)));
}

export type SpawnOptions = { dataDir: string; port: number; env?: Record<string, string>; args?: string[]; readyTimeoutMs?: number };

export async function spawnTower(opts: SpawnOptions): Promise<Tower> {
  const args = ['bin/control-tower.js', 'serve', '--data', opts.dataDir, '--port', String(opts.port), '--host', '127.0.0.1', '--no-demo', '--log-level', 'info', ...(opts.args ?? [])];
  const proc = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, CONTROL_TOWER_INGEST_KEYS: CHAOS_INGEST_KEY, CONTROL_TOWER_ADMIN_PASSWORD: CHAOS_ADMIN_PASSWORD, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  killWithThisProcess(proc);
  let output = '';
  proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once('exit', (code, signal) => r({ code, signal })));
  let gone = false;
  void exited.then(() => {
    gone = true;
    liveTowers.delete(proc);
  });
  const url = `http://127.0.0.1:${opts.port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (gone) throw new Error(`tower exited before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`tower not ready in time:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    await sleep(50);
  }
  return {
    url,
    port: opts.port,
    proc,
    logs: () => output,
    exited,
    kill: (signal) => {
      if (!gone) proc.kill(signal);
    },
    rssBytes: () => readRss(proc.pid!),
  };
}

/** A memory figure of /proc/PID/status in bytes: VmRSS (resident) or RssFile (its file-backed part). */
export function readProcMemory(pid: number, field: 'VmRSS' | 'RssFile'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return kb * 1024;
}

export const readRss = (pid: number) => readProcMemory(pid, 'VmRSS');

/** One sample of the Prometheus text of /metrics (NaN when absent). */
export const metricValue = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
/** A labelled metric summed over its label values (0 when absent). */
export const metricSum = (text: string, name: string) => [...text.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\S+)`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
