// Numbered, forward-only migrations from sql/, applied in order and recorded in
// schema_migrations, so a second start applies nothing and an applied file is never rerun.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';

export const SQL_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'sql');

export type Migration = { version: number; name: string; statements: string[]; checksum: string };

const FILE_PATTERN = /^(\d{3})_[a-z0-9_]+\.sql$/;

export function readMigrations(dir = SQL_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const seen = new Map<number, string>();
  return files.map((name) => {
    const match = FILE_PATTERN.exec(name);
    if (!match) throw new Error(`migration file ${name} must be named NNN_snake_case.sql`);
    const version = Number(match[1]);
    if (seen.has(version)) throw new Error(`migrations ${seen.get(version)} and ${name} share number ${match[1]}`);
    seen.set(version, name);
    const text = readFileSync(join(dir, name), 'utf8');
    return { version, name, statements: splitStatements(text), checksum: createHash('sha256').update(text).digest('hex') };
  });
}

/** Splits on `;` at line ends; migrations keep one statement per `;`-terminated block. */
export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export type MigrationReport = { applied: string[]; alreadyApplied: number };

export async function migrate(client: ClickHouseClient, migrations = readMigrations()): Promise<MigrationReport> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations
      (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
      ENGINE = MergeTree ORDER BY version`,
  });
  const rows = await (await client.query({ query: 'SELECT version, name, checksum FROM schema_migrations ORDER BY version', format: 'JSONEachRow' })).json<{ version: number; name: string; checksum: string }>();
  const applied = new Map(rows.map((r) => [Number(r.version), r]));
  const report: MigrationReport = { applied: [], alreadyApplied: 0 };
  for (const m of migrations) {
    const done = applied.get(m.version);
    if (done) {
      if (done.checksum !== m.checksum) throw new Error(`migration ${m.name} was changed after it was applied (applied as ${done.name}); add a new migration instead`);
      report.alreadyApplied++;
      continue;
    }
    for (const statement of m.statements) await client.command({ query: statement });
    await client.insert({ table: 'schema_migrations', values: [{ version: m.version, name: m.name, checksum: m.checksum }], format: 'JSONEachRow' });
    report.applied.push(m.name);
  }
  return report;
}

export async function pendingMigrations(client: ClickHouseClient, migrations = readMigrations()): Promise<string[]> {
  const rows = await (await client.query({ query: 'SELECT version FROM schema_migrations', format: 'JSONEachRow' })).json<{ version: number }>();
  const applied = new Set(rows.map((r) => Number(r.version)));
  return migrations.filter((m) => !applied.has(m.version)).map((m) => m.name);
}
