// Configuration is read once, in main.ts, from flags and environment, validated with zod
// and passed down; no other module reads process.env.
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { formatIssues } from './events/schema.ts';
import { parseSlaTargets } from './kpi/slaTargets.ts';

const intFrom = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

const bool = z.union([z.boolean(), z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])]).transform((v) => v === true || v === '1' || v === 'true' || v === 'yes' || v === 'on');

export const configSchema = z.object({
  port: intFrom('port', 0, 65535).default(8080),
  host: z.string().min(1).default('0.0.0.0'),
  dataDir: z.string().min(1).default('./data'),
  clickhouseUrl: z.url({ error: 'CLICKHOUSE_URL must be a URL like http://host:8123' }).optional(),
  clickhouseUser: z.string().optional(),
  clickhousePassword: z.string().optional(),
  /**
   * Longest wait for one answer from a ClickHouse server (CLICKHOUSE_URL). Unset: the query
   * limit plus 5 s. A server that accepts and then hangs holds a batch for at most the
   * pipeline's 3 attempts × this before its producers are told 503.
   */
  clickhouseRequestTimeoutMs: intFrom('ClickHouse request timeout ms', 100, 3_600_000).optional(),
  database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'database must be a plain identifier (letters, digits, _)').default('control_tower'),
  /** Largest ingest body accepted, in bytes (DESIGN.md §7: 16 MiB). */
  maxBodyBytes: intFrom('max body bytes', 1024, 1024 ** 3).default(16 * 1024 * 1024),
  batchMaxRows: intFrom('batch max rows', 1, 1_000_000).default(10_000),
  batchMaxWaitMs: intFrom('batch max wait ms', 1, 60_000).default(50),
  /** Events accepted but not yet stored; past this the API answers 429. */
  maxQueueEvents: intFrom('max queue events', 1, 10_000_000).default(200_000),
  dedupeWindowHours: intFrom('dedupe window hours', 24, 24 * 365).default(48),
  retentionDays: intFrom('retention days', 1, 36_500).default(90),
  maxMemoryUsageBytes: intFrom('max memory usage', 64 * 1024 ** 2, 1024 ** 4).default(4 * 1024 ** 3),
  /**
   * How far V8 lets the heap grow past what is live before it collects (heap limit = live ×
   * (1 + this/100)); 0 leaves it to V8, which goes up to 4× under heavy allocation.
   */
  heapGrowingPercent: intFrom('heap growing percent', 0, 300).default(50),
  /**
   * Sessions of the embedded engine that run statements side by side (server/store/sessionPool.ts);
   * unset: one per core, at most 4.
   */
  engineSessions: intFrom('engine sessions', 1, 64).optional(),
  /** Longest a dashboard/report query may run, so it never holds up ingest for long. */
  maxQuerySeconds: intFrom('max query seconds', 1, 3600).default(10),
  demo: bool.default(false),
  /** Origins (besides the server's own) whose pages may open the live socket, comma-separated. */
  allowedOrigins: z
    .preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(z.url({ error: 'each CONTROL_TOWER_ALLOWED_ORIGINS entry must be an origin like https://tower.example.com' })))
    .default([]),
  /** Ingest requests a minute per producer key and per client IP (429 with Retry-After above). */
  ingestRequestsPerKeyPerMinute: intFrom('ingest requests per key per minute', 1, 10_000_000).default(6_000),
  ingestRequestsPerIpPerMinute: intFrom('ingest requests per IP per minute', 1, 10_000_000).default(20_000),
  /** Events stamped further ahead of the server clock than this are refused (a producer's clock is wrong). */
  maxFutureMinutes: intFrom('max future minutes', 1, 525_600).default(15),
  /** Run the detectors on stored events (off only to measure the pipeline without them). */
  detection: bool.default(true),
  /** Simulated seconds per real second in demo mode. */
  demoSpeed: intFrom('demo speed', 1, 100_000).default(60),
  demoBackfillDays: intFrom('demo backfill days', 0, 90).default(3),
  /** Order lines a day in demo mode (the reference distributor is 80,000). */
  demoLinesPerDay: intFrom('demo lines per day', 100, 10_000_000).default(80_000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  webDir: z.string().default('dist/web'),
  /** Optional JSON file of detector thresholds over the defaults (server/detect/config.ts). */
  detectorConfigPath: z.string().min(1).optional(),
  /** Password of the bootstrap `admin` user; when unset, a one-time password is printed at first start. */
  adminPassword: z.string().min(8, 'CONTROL_TOWER_ADMIN_PASSWORD must be at least 8 characters').optional(),
  /** Producer API keys (role ingest), comma-separated in CONTROL_TOWER_INGEST_KEYS; stored as digests. */
  ingestKeys: z
    .preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(z.string().min(16, 'each CONTROL_TOWER_INGEST_KEYS key must be at least 16 characters')))
    .default([]),
  sessionHours: intFrom('session hours', 1, 24 * 30).default(12),
  /** Send the session cookie only over HTTPS (set behind TLS). */
  cookieSecure: bool.default(false),
  /** Routing rules as JSON (docs/priority.md). */
  routingRules: z.string().optional(),
  /** Webhook endpoints of the systems of record; in demo mode they default to the simulator. */
  connectorErpUrl: z.url({ error: 'CONTROL_TOWER_CONNECTOR_ERP_URL must be a URL' }).optional(),
  connectorTmsUrl: z.url({ error: 'CONTROL_TOWER_CONNECTOR_TMS_URL must be a URL' }).optional(),
  connectorServiceDeskUrl: z.url({ error: 'CONTROL_TOWER_CONNECTOR_SERVICE_DESK_URL must be a URL' }).optional(),
  connectorTimeoutMs: intFrom('connector timeout ms', 100, 300_000).default(10_000),
  connectorMaxAttempts: intFrom('connector max attempts', 1, 20).default(5),
  connectorBackoffMs: intFrom('connector backoff ms', 1, 600_000).default(500),
  /** How often active exceptions are re-prioritised as their SLA comes due. */
  retriageSeconds: intFrom('retriage seconds', 5, 86_400).default(300),
  /** Resolution target per severity for slaAdherence (server/kpi/slaTargets.ts). */
  slaTargets: z
    .string()
    .default('')
    .transform((text, ctx) => {
      try {
        return parseSlaTargets(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Environment variables that map onto config keys. */
const ENV_KEYS: Record<string, keyof Config> = {
  PORT: 'port',
  HOST: 'host',
  CONTROL_TOWER_DATA: 'dataDir',
  CLICKHOUSE_URL: 'clickhouseUrl',
  CLICKHOUSE_USER: 'clickhouseUser',
  CLICKHOUSE_PASSWORD: 'clickhousePassword',
  CLICKHOUSE_REQUEST_TIMEOUT_MS: 'clickhouseRequestTimeoutMs',
  CLICKHOUSE_DATABASE: 'database',
  CONTROL_TOWER_MAX_BODY_BYTES: 'maxBodyBytes',
  CONTROL_TOWER_MAX_FUTURE_MINUTES: 'maxFutureMinutes',
  CONTROL_TOWER_BATCH_MAX_ROWS: 'batchMaxRows',
  CONTROL_TOWER_BATCH_MAX_WAIT_MS: 'batchMaxWaitMs',
  CONTROL_TOWER_MAX_QUEUE_EVENTS: 'maxQueueEvents',
  CONTROL_TOWER_DEDUPE_WINDOW_HOURS: 'dedupeWindowHours',
  CONTROL_TOWER_RETENTION_DAYS: 'retentionDays',
  CONTROL_TOWER_MAX_MEMORY_USAGE: 'maxMemoryUsageBytes',
  CONTROL_TOWER_ENGINE_SESSIONS: 'engineSessions',
  CONTROL_TOWER_HEAP_GROWING_PERCENT: 'heapGrowingPercent',
  CONTROL_TOWER_DEMO: 'demo',
  CONTROL_TOWER_DETECTION: 'detection',
  CONTROL_TOWER_INGEST_PER_KEY_PER_MINUTE: 'ingestRequestsPerKeyPerMinute',
  CONTROL_TOWER_INGEST_PER_IP_PER_MINUTE: 'ingestRequestsPerIpPerMinute',
  CONTROL_TOWER_ALLOWED_ORIGINS: 'allowedOrigins',
  CONTROL_TOWER_DEMO_SPEED: 'demoSpeed',
  CONTROL_TOWER_DEMO_BACKFILL_DAYS: 'demoBackfillDays',
  CONTROL_TOWER_DEMO_LINES_PER_DAY: 'demoLinesPerDay',
  LOG_LEVEL: 'logLevel',
  CONTROL_TOWER_DETECTOR_CONFIG: 'detectorConfigPath',
  CONTROL_TOWER_ADMIN_PASSWORD: 'adminPassword',
  CONTROL_TOWER_INGEST_KEYS: 'ingestKeys',
  CONTROL_TOWER_SESSION_HOURS: 'sessionHours',
  CONTROL_TOWER_COOKIE_SECURE: 'cookieSecure',
  CONTROL_TOWER_ROUTING_RULES: 'routingRules',
  CONTROL_TOWER_CONNECTOR_ERP_URL: 'connectorErpUrl',
  CONTROL_TOWER_CONNECTOR_TMS_URL: 'connectorTmsUrl',
  CONTROL_TOWER_CONNECTOR_SERVICE_DESK_URL: 'connectorServiceDeskUrl',
  CONTROL_TOWER_CONNECTOR_TIMEOUT_MS: 'connectorTimeoutMs',
  CONTROL_TOWER_CONNECTOR_MAX_ATTEMPTS: 'connectorMaxAttempts',
  CONTROL_TOWER_RETRIAGE_SECONDS: 'retriageSeconds',
  CONTROL_TOWER_SLA_TARGETS: 'slaTargets',
};

/** Flags win over environment variables; every bad value is reported with its name. */
export function loadConfig(env: Record<string, string | undefined>, flags: Partial<Record<keyof Config, unknown>> = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const [envName, keyName] of Object.entries(ENV_KEYS)) {
    if (env[envName] !== undefined && env[envName] !== '') raw[keyName] = env[envName];
  }
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) raw[k] = v;
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

/** Fails fast with a message that says which directory and why, before the engine tries it. */
export function ensureWritableDir(dir: string): string {
  const abs = resolve(dir);
  try {
    // One level at a time: Node's recursive mkdir never returns on some virtual file systems (/proc).
    const missing: string[] = [];
    for (let d = abs; !existsSync(d); d = dirname(d)) missing.unshift(d);
    for (const d of missing) mkdirSync(d);
    accessSync(abs, constants.W_OK);
  } catch (err) {
    throw new ConfigError(`data directory ${abs} is not writable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return abs;
}
