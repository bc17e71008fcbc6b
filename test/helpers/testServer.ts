// Starts the real server on an ephemeral port with the embedded engine in a temp data
// directory. chDB allows one data directory per process, so a test file keeps one
// directory and restarts reuse it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { startServer, type RunningServer, type ServerDeps } from '../../server/server.ts';

let dataDir: string | undefined;

/** Ingest needs an API key (role ingest); tests provision this one through config. */
export const TEST_INGEST_KEY = 'test-ingest-key-0123456789abcdef';
export const TEST_ADMIN_PASSWORD = 'test-admin-password';

/** The data directory of this test process (created once). */
export function processDataDir(): string {
  dataDir ??= mkdtempSync(join(tmpdir(), 'ct-test-'));
  return dataDir;
}

export function testConfig(overrides: Partial<Record<keyof Config, unknown>> = {}): Config {
  return loadConfig({}, { dataDir: processDataDir(), port: 0, host: '127.0.0.1', logLevel: 'silent', ingestKeys: [TEST_INGEST_KEY], adminPassword: TEST_ADMIN_PASSWORD, ...overrides });
}

export async function startTestServer(overrides: Partial<Record<keyof Config, unknown>> = {}, deps: Partial<ServerDeps> = {}): Promise<RunningServer> {
  const config = testConfig(overrides);
  return startServer(config, { logger: createLogger(config.logLevel), ...deps });
}

export async function postEvents(baseUrl: string, body: unknown, contentType = 'application/json'): Promise<{ status: number; body: any; headers: Headers }> {
  const payload = typeof body === 'string' ? body : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body);
  const res = await fetch(`${baseUrl}/api/v1/events`, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${TEST_INGEST_KEY}` }, body: payload });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

export const toNdjson = (items: unknown[]) => items.map((i) => JSON.stringify(i)).join('\n') + '\n';

/** Signs in over HTTP and returns the session's bearer token; fails the test when refused. */
export async function loginToken(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** Signs in as the bootstrap admin and returns its bearer token. */
export const adminToken = (baseUrl: string) => loginToken(baseUrl, 'admin', TEST_ADMIN_PASSWORD);
