// The one place a ClickHouse client is made: embedded chDB on a data directory by
// default, or a ClickHouse server/cluster when CLICKHOUSE_URL is set. Everything else
// talks to the same @clickhouse/client API and never knows which one it is.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { Config } from '../config.ts';
import { ConfigError, ensureWritableDir } from '../config.ts';
import { restartingConnection, type Conn, type RestartEvents } from './restartingConnection.ts';
import { sessionPool } from './sessionPool.ts';
import { inlineQueryParams } from './inlineQueryParams.ts';
import { callScopedSettings } from './callScopedSettings.ts';

export type Store = {
  client: ClickHouseClient;
  mode: 'embedded' | 'server';
  database: string;
  /** The embedded engine's restarts after a damaged part (restartingConnection.ts); absent for a server. */
  engine?: EngineRestarts;
  close(): Promise<void>;
};

export type EngineRestarts = {
  count(): number;
  /** Listens to restarts; returns the function that stops listening. */
  on(listener: Partial<RestartEvents>): () => void;
  /**
   * Adds a repair run on the restarted engine before any waiting call goes on (what a damaged
   * part may have cost has to be made good before the next read trusts it).
   */
  repairAfterRestart(repair: (client: ClickHouseClient) => Promise<void>): void;
};

type StoreConfig = Pick<Config, 'dataDir' | 'clickhouseUrl' | 'clickhouseUser' | 'clickhousePassword' | 'clickhouseRequestTimeoutMs' | 'database' | 'maxMemoryUsageBytes' | 'maxQuerySeconds'> & Partial<Pick<Config, 'engineSessions'>>;

const settingsOf = (config: StoreConfig) => ({
  max_memory_usage: String(config.maxMemoryUsageBytes),
  date_time_input_format: 'best_effort' as const,
});

/**
 * A client of the ClickHouse server at CLICKHOUSE_URL, with no check that it answers. Every
 * request gives up after the configured timeout: a server that goes away after start (or
 * hangs) fails the insert in hand within it, instead of holding it for the library's default.
 */
export function serverClient(config: StoreConfig & { clickhouseUrl: string }, database?: string): ClickHouseClient {
  return createClient({
    url: config.clickhouseUrl,
    username: config.clickhouseUser,
    password: config.clickhousePassword,
    database,
    clickhouse_settings: settingsOf(config),
    request_timeout: config.clickhouseRequestTimeoutMs ?? config.maxQuerySeconds * 1000 + 5000,
    log: { level: ClickHouseLogLevel.OFF }, // failures reach the caller (and its log) as errors
  });
}

export async function openStore(config: StoreConfig): Promise<Store> {
  const clickhouse_settings = settingsOf(config);
  if (config.clickhouseUrl) {
    const client = serverClient({ ...config, clickhouseUrl: config.clickhouseUrl });
    const ping = await client.ping();
    if (!ping.success) {
      await client.close();
      throw new ConfigError(`cannot reach ClickHouse at ${redactUrl(config.clickhouseUrl)}: ${String((ping as { error?: Error }).error?.message ?? 'no answer')}`);
    }
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${config.database}` });
    await client.close();
    const scoped = serverClient({ ...config, clickhouseUrl: config.clickhouseUrl }, config.database);
    return { client: scoped, mode: 'server', database: config.database, close: () => scoped.close() };
  }

  const dir = ensureWritableDir(config.dataDir);
  // chdb/connection's declared type comes from a second copy of the client's common
  // types; it is the same Connection at run time, so it is cast once, here.
  // Sessions side by side on the one engine (sessionPool.ts), one per core by default; the
  // statements' parameters are inlined, or chdb-node would run them one at a time anyway, and
  // a call's settings hold for that call only, as they do on a server.
  const sessions = config.engineSessions ?? defaultEngineSessions();
  const openSession = () => inlineQueryParams(callScopedSettings(createChdbConnection({ path: join(dir, 'clickhouse') }) as unknown as Conn));
  const openEngine = () => sessionPool(Array.from({ length: sessions }, openSession));
  // The embedded engine ignores the client's `database` option: select it for the session
  // (again after every restart). The name was validated as a plain identifier by the config schema.
  const clientOf = (conn: Conn) => createClient({ connection: conn, clickhouse_settings });
  const useDatabase = async (conn: Conn) => void (await clientOf(conn).command({ query: `USE ${config.database}` }));
  const repairs: ((client: ClickHouseClient) => Promise<void>)[] = [];
  const connection = restartingConnection({
    open: openEngine,
    prepare: async (conn) => {
      await useDatabase(conn);
      const restarted = clientOf(conn);
      for (const repair of repairs) await repair(restarted);
    },
  });
  const client = clientOf(connection);
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${config.database}` });
  await useDatabase(connection);
  const engine: EngineRestarts = { count: connection.restarts, on: connection.on, repairAfterRestart: (repair) => void repairs.push(repair) };
  return { client, mode: 'embedded', database: config.database, engine, close: () => client.close() };
}

/** One engine session per core, at most 4 (the KPI set has six statements; more sessions than cores only share them). */
export const defaultEngineSessions = () => Math.max(1, Math.min(4, availableParallelism()));

function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
